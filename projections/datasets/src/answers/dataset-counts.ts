// How many datasets are defined and how many distinct versions their builds have cut (status).
import { sql, type Kysely } from 'kysely';
import { T, type DatasetsDatabase } from '../tables.js';

export interface DatasetCounts {
  readonly datasets: number;
  readonly versions: number;
}

export async function datasetCounts(db: Kysely<DatasetsDatabase>): Promise<DatasetCounts> {
  const r = await sql<{ datasets: string; versions: string }>`select
    (select count(*) from ${sql.table(T.datasets)})::text as datasets,
    (select count(*) from ${sql.table(T.versions)})::text as versions`.execute(db);
  return { datasets: Number(r.rows[0]?.datasets ?? 0), versions: Number(r.rows[0]?.versions ?? 0) };
}
