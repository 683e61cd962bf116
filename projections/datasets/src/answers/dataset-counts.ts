// How many datasets are defined and how many distinct versions their builds have cut (status).
import type { Kysely } from 'kysely';
import { T, type DatasetsDatabase } from '../tables.js';

export interface DatasetCounts {
  readonly datasets: number;
  readonly versions: number;
}

export async function datasetCounts(db: Kysely<DatasetsDatabase>): Promise<DatasetCounts> {
  const row = await db
    .selectNoFrom((q) => [
      q
        .selectFrom(T.datasets)
        .select((c) => c.fn.countAll<string>().as('n'))
        .as('datasets'),
      q
        .selectFrom(T.versions)
        .select((c) => c.fn.countAll<string>().as('n'))
        .as('versions'),
    ])
    .executeTakeFirst();
  return { datasets: Number(row?.datasets ?? 0), versions: Number(row?.versions ?? 0) };
}
