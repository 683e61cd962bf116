// The slice of a SQL driver the log needs. PGlite and `pg` both fit behind it, so the log's SQL
// lives once (in ./sql-event-log.ts) and only the adapter folders import a driver.

export interface SqlQueryable {
  query<TRow extends object>(text: string, params?: readonly unknown[]): Promise<readonly TRow[]>;
}

export interface SqlExecutor extends SqlQueryable {
  /** Runs `fn` in one transaction on one connection: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}
