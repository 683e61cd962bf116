// "Which CFs does this id prefix name?": the lookup behind git-style short ids. A caller types the
// first hex characters of a CF id (the CLI prints 12); this answers the CFs whose id starts with
// them, so the caller can take the one, or say the prefix is unknown or ambiguous.
import { sql, type Kysely } from 'kysely';
import type { CfId } from '@cairn/schemas';
import { idBytes, idHex } from '@cairn/projector';
import { T, storedCfId, type DatasetsDatabase } from '../tables.js';

/** The shortest prefix a lookup accepts: shorter ones name too many CFs to be worth a query. */
export const MIN_CF_PREFIX = 6;

/**
 * Up to `limit` CF ids (in id order) that start with `prefix` (lowercase hex, at least
 * MIN_CF_PREFIX long; anything else matches nothing). Two or more answers mean the prefix is
 * ambiguous; ask for a few more than one to show the candidates.
 */
export async function cfsByPrefix(db: Kysely<DatasetsDatabase>, prefix: string, limit = 5): Promise<readonly CfId[]> {
  // the length first: a regex over megabytes of hex can run out of stack
  if (prefix.length < MIN_CF_PREFIX || prefix.length > 64 || !/^[0-9a-f]+$/.test(prefix)) return [];
  // A range on the primary key (an index scan): every id is 32 bytes, so those starting with the
  // prefix lie between the prefix filled out with 0s and with fs (bytea orders as the hex does).
  const rows = await db
    .selectFrom(T.cfs)
    .select(idHex('cf_id').as('cf_id'))
    .where('cf_id', '>=', idBytes(prefix.padEnd(64, '0')))
    .where('cf_id', '<=', idBytes(prefix.padEnd(64, 'f')))
    .orderBy(sql.ref('datasets_cfs.cf_id'))
    .limit(Math.max(1, limit))
    .execute();
  return rows.map((row) => storedCfId(row.cf_id)).filter((id) => id.startsWith(prefix));
}
