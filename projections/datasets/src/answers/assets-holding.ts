// The assets that bundle a CF, as of a position: what impact lists as affected and where-from
// lists as the CF's packaging. One query for both, so the two answers cannot drift apart.
import type { Kysely } from 'kysely';
import { T, type DatasetsDatabase } from '../tables.js';

export interface AssetHolding {
  readonly asset_id: string;
  readonly name: string;
  readonly position: string;
}

/** The assets holding `cfId` assembled by `bound` (null: no bound), in position then id order. */
export async function assetsHolding(db: Kysely<DatasetsDatabase>, cfId: string, bound: string | null): Promise<AssetHolding[]> {
  return db
    .selectFrom(`${T.assetMembers} as m`)
    .innerJoin(`${T.assets} as a`, 'a.asset_id', 'm.asset_id')
    .select(['a.asset_id', 'a.name', 'a.position'])
    .where('m.cf_id', '=', cfId)
    .$if(bound !== null, (q) => q.where('a.position', '<=', bound!))
    .orderBy('a.position')
    .orderBy('a.asset_id')
    .execute();
}
