// The nonces of signed HTTP requests a server has accepted, kept in the store's own database so
// that a request captured on its way in cannot be sent again after the server restarts, nor to a
// second server process over the same Postgres store, while its `created` is still fresh. The
// table sits beside the projections' (every store kind has that database), and that database is
// derived: its folder or schema may be dropped and rebuilt from the log, and the nonces with it.
// So the table remembers since when it holds every nonce spent (`cairn_request_nonces_since`,
// made with it): a request created before that second may have been spent in a table that is
// gone, and is refused (its client signs again with the current time).
import { sql, type Kysely } from 'kysely';

export const REQUEST_NONCES_TABLE = 'cairn_request_nonces';
export const REQUEST_NONCES_SINCE_TABLE = 'cairn_request_nonces_since';

interface RequestNoncesTable {
  keyid: string;
  nonce: string;
  created: string;
}

/** One row (`one` is always 1): the unix second the nonce table began to be kept. */
interface RequestNoncesSinceTable {
  one: number;
  since: string;
}

export interface RequestNoncesDatabase {
  [REQUEST_NONCES_TABLE]: RequestNoncesTable;
  [REQUEST_NONCES_SINCE_TABLE]: RequestNoncesSinceTable;
}

const nonceTables = <TDB>(db: Kysely<TDB>): Kysely<RequestNoncesDatabase> => db as unknown as Kysely<RequestNoncesDatabase>;

/**
 * Makes the tables if missing and answers the unix second since which the nonce table holds every
 * nonce spent: `nowSeconds` when this call made it (a table found without that row, made by an
 * earlier version, is dated now too: nothing says what it missed).
 */
export async function migrateRequestNonces<TDB>(db: Kysely<TDB>, nowSeconds: number): Promise<number> {
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
  await d.schema
    .createTable(REQUEST_NONCES_SINCE_TABLE)
    .ifNotExists()
    .addColumn('one', 'smallint', (c) => c.primaryKey().check(sql`one = 1`))
    .addColumn('since', 'bigint', (c) => c.notNull())
    .execute();
  // Of two processes making it at once, the first row stands and both read it.
  await d
    .insertInto(REQUEST_NONCES_SINCE_TABLE)
    .values({ one: 1, since: String(nowSeconds) })
    .onConflict((oc) => oc.column('one').doNothing())
    .execute();
  const row = await d.selectFrom(REQUEST_NONCES_SINCE_TABLE).select('since').executeTakeFirstOrThrow();
  return Number(row.since);
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
