// "Which of these CFs are erased, as of P?": the erasure of each (the first SampleErased of the
// sample), for old versions' exports, cards and attestations to name instead of pointing at bytes
// that can no longer be read.
import type { Expression, Kysely, QueryCreator } from 'kysely';
import type { LogPosition } from '@cairn/eventlog';
import { anyOfText, positionFromDb, positionToDb, idHex } from '@cairn/projector';
import type { EventRef } from '@cairn/assembly';
import type { CfId } from '@cairn/schemas';
import { T, sameCf, storedCfId, versionNoOf, type DatasetsDatabase } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';

export interface Erasure extends EventRef {
  readonly cfId: CfId;
  readonly reason: string;
  readonly author: string;
}

/**
 * The erasure of each CF `cfId` names (one id, or `any(array)`), erased at or before `at` (none:
 * now): the first SampleErased of it. The one place this is selected, whether for a list of CFs
 * (erasuresOf) or as a lateral subquery beside another read (a why names the CF's erasure): there,
 * `from` is a query creator without the executor's plugins, which the outer statement applies.
 */
export function firstErasures(from: QueryCreator<DatasetsDatabase>, cfId: Expression<string>, at?: LogPosition) {
  return from
    .selectFrom(`${T.erasures} as ee`)
    .distinctOn('ee.cf_id')
    .select(['ee.cf_id', 'ee.event_id', 'ee.position', 'ee.reason', 'ee.author'])
    .where('ee.cf_id', '=', cfId)
    .$if(at !== undefined, (q) => q.where('ee.position', '<=', positionToDb(at!)))
    .orderBy('ee.cf_id')
    .orderBy('ee.position');
}

/** A row firstErasures selects, as the Erasure it is. */
export const erasureOfRow = (r: {
  readonly cf_id: string;
  readonly event_id: string;
  readonly position: string;
  readonly reason: string;
  readonly author: string;
}): Erasure => ({
  cfId: storedCfId(r.cf_id),
  eventId: r.event_id,
  position: positionFromDb(r.position),
  reason: r.reason,
  author: r.author,
});

/** CF id → its erasure, for the ids among `cfIds` erased at or before `asOf` (default: now). */
export async function erasuresOf(
  db: Kysely<DatasetsDatabase>,
  cfIds: readonly string[],
  options: { readonly asOf?: AsOf } = {},
): Promise<ReadonlyMap<string, Erasure>> {
  const at = await resolveAsOf(db, options.asOf);
  const out = new Map<string, Erasure>();
  if (cfIds.length === 0 || at === null) return out;
  for (const r of await firstErasures(db, anyOfText(cfIds), at).execute()) out.set(r.cf_id, erasureOfRow(r));
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
    .innerJoin(`${T.erasures} as e`, (j) => j.on(sameCf('e.cf_id', 'm.cf_id')))
    .select(idHex('m.cf_id').as('cf_id'))
    .where('m.version_no', '=', versionNoOf(versionId))
    .orderBy('m.cf_id')
    .execute();
  const erased = await erasuresOf(db, [...new Set(members.map((r) => r.cf_id))], options);
  return [...erased.values()].sort((a, b) => (a.cfId < b.cfId ? -1 : a.cfId > b.cfId ? 1 : 0));
}
