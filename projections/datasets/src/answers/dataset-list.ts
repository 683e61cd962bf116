// The datasets defined, each with how many versions its builds cut and its latest: all of them,
// or those a search names (name prefix; holding a member with a CF id prefix, by a contributor,
// or from a source). Answers the latest state of the tables.
import { sql, type Kysely } from 'kysely';
import { T, type DatasetsDatabase } from '../tables.js';

export interface DatasetSearch {
  /** The dataset's name starts with this. */
  readonly name?: string;
  /** A version of the dataset holds a member whose CF id starts with this (lowercase hex). */
  readonly cf?: string;
  /** A version of the dataset holds a member this contributor (public key) wrote. */
  readonly contributor?: string;
  /** A version of the dataset holds a member from this source. */
  readonly source?: string;
}

export interface DatasetListEntry {
  readonly name: string;
  /** Where DatasetDefined sits in the log. */
  readonly position: bigint;
  readonly versions: number;
  /** The version cut last (null: never built). */
  readonly latestVersionId: string | null;
}

/** At most this many datasets an answer (ordered by name). */
export const DATASET_LIST_LIMIT = 1000;

export async function datasetList(db: Kysely<DatasetsDatabase>, search: DatasetSearch = {}): Promise<readonly DatasetListEntry[]> {
  const holds = (condition: ReturnType<typeof sql>) => sql`exists (
    select 1 from ${sql.table(T.versions)} v
    join ${sql.table(T.members)} m on m.version_id = v.version_id
    join ${sql.table(T.cfs)} c on c.cf_id = m.cf_id
    where v.dataset = d.name and ${condition})`;
  const conditions = [
    ...(search.name === undefined ? [] : [sql`starts_with(d.name, ${search.name})`]),
    ...(search.cf === undefined ? [] : [holds(sql`starts_with(m.cf_id, ${search.cf})`)]),
    ...(search.contributor === undefined ? [] : [holds(sql`c.author = ${search.contributor}`)]),
    ...(search.source === undefined ? [] : [holds(sql`c.source = ${search.source}`)]),
  ];
  const where = conditions.length === 0 ? sql`` : sql`where ${sql.join(conditions, sql` and `)}`;
  const r = await sql<{ name: string; position: string; versions: string; latest: string | null }>`select d.name,
      d.position::text as position,
      (select count(*) from ${sql.table(T.versions)} v where v.dataset = d.name)::text as versions,
      (select b.version_id from ${sql.table(T.builds)} b where b.dataset = d.name
        order by b.position desc limit 1) as latest
    from ${sql.table(T.datasets)} d ${where}
    order by d.name limit ${DATASET_LIST_LIMIT}`.execute(db);
  return r.rows.map((row) => ({
    name: row.name,
    position: BigInt(row.position),
    versions: Number(row.versions),
    latestVersionId: row.latest,
  }));
}
