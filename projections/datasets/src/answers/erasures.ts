// "Which of these CFs are erased, as of P?": the erasure of each (the first SampleErased of the
// sample), for old versions' exports, cards and attestations to name instead of pointing at bytes
// that can no longer be read.
import type { Kysely } from 'kysely';
import { anyOfText, positionFromDb, positionToDb } from '@cairn/projector';
import type { EventRef } from '@cairn/assembly';
import type { CfId } from '@cairn/schemas';
import { T, storedCfId, type DatasetsDatabase } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';

export interface Erasure extends EventRef {
  readonly cfId: CfId;
  readonly reason: string;
  readonly author: string;
}

/** CF id → its erasure, for the ids among `cfIds` erased at or before `asOf` (default: now). */
export async function erasuresOf(
  db: Kysely<DatasetsDatabase>,
  cfIds: readonly string[],
  options: { readonly asOf?: AsOf } = {},
): Promise<ReadonlyMap<string, Erasure>> {
  const at = await resolveAsOf(db, options.asOf);
  const out = new Map<string, Erasure>();
  if (cfIds.length === 0 || at === null) return out;
  const rows = await db
    .selectFrom(T.erasures)
    .distinctOn('cf_id')
    .select(['cf_id', 'event_id', 'position', 'reason', 'author'])
    .where('cf_id', '=', anyOfText(cfIds))
    .$if(at !== undefined, (q) => q.where('position', '<=', positionToDb(at!)))
    .orderBy('cf_id')
    .orderBy('position')
    .execute();
  for (const r of rows)
    out.set(r.cf_id, {
      cfId: storedCfId(r.cf_id),
      eventId: r.event_id,
      position: positionFromDb(r.position),
      reason: r.reason,
      author: r.author,
    });
  return out;
}

/** The erasures among a version's members, in member id order. */
export async function erasedMembersOf(
  db: Kysely<DatasetsDatabase>,
  versionId: string,
  options: { readonly asOf?: AsOf } = {},
): Promise<readonly Erasure[]> {
  const members = await db
    .selectFrom(`${T.members} as m`)
    .innerJoin(`${T.erasures} as e`, 'e.cf_id', 'm.cf_id')
    .select('m.cf_id')
    .where('m.version_id', '=', versionId)
    .orderBy('m.cf_id')
    .execute();
  const erased = await erasuresOf(db, [...new Set(members.map((r) => r.cf_id))], options);
  return [...erased.values()].sort((a, b) => (a.cfId < b.cfId ? -1 : a.cfId > b.cfId ? 1 : 0));
}
