// For other packages' specs that check a version does not vouch for itself: change a cut
// version's stored Merkle root behind the projection, as a tampered database would.
import type { Kysely } from 'kysely';
import { T, type DatasetsDatabase } from '../tables.js';

export async function forgeVersionRoot(db: Kysely<DatasetsDatabase>, versionId: string, merkleRoot: string): Promise<void> {
  await db.updateTable(T.versions).set({ merkle_root: merkleRoot }).where('version_id', '=', versionId).execute();
}
