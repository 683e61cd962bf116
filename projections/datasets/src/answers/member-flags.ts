// Counts and lists over one version's members that a passport and a run's reproduce check ask
// for: members of one CF kind, members declaring personal data, members no approving validation
// targets. Each is one query over the members and CFs tables; an unknown version has none.
import { sql, type Kysely } from 'kysely';
import { T, type DatasetsDatabase } from '../tables.js';

/** The version's member CF ids of `kind` (e.g. `sample`), in id order. */
export async function memberIdsOfKind(db: Kysely<DatasetsDatabase>, versionId: string, kind: string): Promise<string[]> {
  const r = await sql<{ cf_id: string }>`select m.cf_id from ${sql.table(T.members)} m join ${sql.table(T.cfs)} c using (cf_id)
    where m.version_id = ${versionId} and c.kind = ${kind} order by m.cf_id`.execute(db);
  return r.rows.map((x) => x.cf_id);
}

/** How many members declare personal data (the projection keeps each sample's signed flag). */
export async function personalDataMemberCount(db: Kysely<DatasetsDatabase>, versionId: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(T.members)} m join ${sql.table(T.cfs)} c using (cf_id)
    where m.version_id = ${versionId} and c.personal_data`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** How many members no live approving validation targets (approve is stored as verdict 1). */
export async function unvalidatedMemberCount(db: Kysely<DatasetsDatabase>, versionId: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(T.members)} m where m.version_id = ${versionId}
    and not exists (select 1 from ${sql.table(T.cfs)} v where v.kind = 'validation' and v.verdict = 1 and v.valid_to is null
      and v.targets ? m.cf_id)`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
