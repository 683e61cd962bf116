// "Which of these CFs are erased, as of P?": the erasure of each (the first SampleErased of the
// sample), for old versions' exports, cards and attestations to name instead of pointing at bytes
// that can no longer be read.
import { sql, type Kysely } from 'kysely';
import { positionFromDb, positionToDb } from '@cairn/projector';
import type { EventRef } from '@cairn/assembly';
import { T, type DatasetsDatabase } from '../tables.js';
import { resolveAsOf, type AsOf } from '@cairn/projector';

export interface Erasure extends EventRef {
  readonly cfId: string;
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
  const bound = at === undefined ? sql`` : sql`and position <= ${positionToDb(at)}::bigint`;
  const rows = await sql<{ cf_id: string; event_id: string; position: string; reason: string; author: string }>`select distinct on (cf_id)
      cf_id, event_id, position, reason, author from ${sql.table(T.erasures)}
    where cf_id = any(${[...cfIds]}::text[]) ${bound} order by cf_id, position`.execute(db);
  for (const r of rows.rows)
    out.set(r.cf_id, { cfId: r.cf_id, eventId: r.event_id, position: positionFromDb(r.position), reason: r.reason, author: r.author });
  return out;
}

/** The erasures among a version's members, in member id order. */
export async function erasedMembersOf(
  db: Kysely<DatasetsDatabase>,
  versionId: string,
  options: { readonly asOf?: AsOf } = {},
): Promise<readonly Erasure[]> {
  const members = await sql<{ cf_id: string }>`select m.cf_id from ${sql.table(T.members)} m
    join ${sql.table(T.erasures)} e using (cf_id) where m.version_id = ${versionId} order by m.cf_id`.execute(db);
  const erased = await erasuresOf(db, [...new Set(members.rows.map((r) => r.cf_id))], options);
  return [...erased.values()].sort((a, b) => (a.cfId < b.cfId ? -1 : a.cfId > b.cfId ? 1 : 0));
}
