// The nonces of signed HTTP requests a server has accepted, kept in the store's own database so
// that a request captured on its way in cannot be sent again after the server restarts, nor to a
// second server process over the same Postgres store, while its `created` is still fresh. The
// table sits beside the projections' (every store kind has that database); a rebuild of the
// projections starts it empty, which only matters for requests signed in the minutes before.
import { sql, type Kysely } from 'kysely';

export const REQUEST_NONCES_TABLE = 'cairn_request_nonces';

interface RequestNoncesTable {
  keyid: string;
  nonce: string;
  created: string;
}

export interface RequestNoncesDatabase {
  [REQUEST_NONCES_TABLE]: RequestNoncesTable;
}

const nonceTables = <TDB>(db: Kysely<TDB>): Kysely<RequestNoncesDatabase> => db as unknown as Kysely<RequestNoncesDatabase>;

export async function migrateRequestNonces<TDB>(db: Kysely<TDB>): Promise<void> {
  const d = nonceTables(db);
  await d.schema
    .createTable(REQUEST_NONCES_TABLE)
    .ifNotExists()
    .addColumn('keyid', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${REQUEST_NONCES_TABLE}_pkey`, ['keyid', 'nonce'])
    .execute();
  await d.schema.createIndex(`${REQUEST_NONCES_TABLE}_created`).ifNotExists().on(REQUEST_NONCES_TABLE).column('created').execute();
}

/**
 * Spends `nonce` of `keyid`: true the first time, false when the table holds it already. One
 * statement, so of two processes spending the same nonce at once exactly one is told true.
 */
export async function spendRequestNonce<TDB>(db: Kysely<TDB>, keyid: string, nonce: string, created: number): Promise<boolean> {
  const r = await sql<{ keyid: string }>`insert into ${sql.table(REQUEST_NONCES_TABLE)} (keyid, nonce, created)
    values (${keyid}, ${nonce}, ${String(created)}) on conflict do nothing returning keyid`.execute(nonceTables(db));
  return r.rows.length === 1;
}

/** Forgets the nonces created before `before` (unix seconds): a request that old is refused as stale. */
export async function forgetRequestNonces<TDB>(db: Kysely<TDB>, before: number): Promise<void> {
  await nonceTables(db).deleteFrom(REQUEST_NONCES_TABLE).where('created', '<', String(before)).execute();
}
