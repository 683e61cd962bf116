// The slice of a SQL driver the log needs. PGlite and `pg` both fit behind it, so the log's SQL
// lives once (in ./sql-event-log.ts) and only the adapter folders import a driver.

export interface SqlQueryable {
  query<TRow extends object>(text: string, params?: readonly unknown[]): Promise<readonly TRow[]>;
}

/** How a packed read's text splits into rows (./rows.ts PACKED_EVENTS). */
export interface Packing {
  /** Ends every field; text that contains it cannot be split, and the read says so. */
  readonly separator: string;
  /** The fields of one row in order, each with how its text becomes the row's value. */
  readonly fields: readonly { readonly name: string; readonly as: 'text' | 'boolean' | 'timestamptz' }[];
}

export interface SqlExecutor extends SqlQueryable {
  /** Runs `fn` in one transaction on one connection: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * A read whose statement answers `n` (rows) and `packed` (their fields, each ended by the
   * separator) per result row, split into `n` rows where the driver runs (the embedded log's
   * worker thread): one value per chunk of rows instead of one per field. Null when some text
   * held the separator (then the rows cannot be told apart, and the caller reads them per row).
   */
  queryPacked?<TRow extends object>(text: string, params: readonly unknown[], packing: Packing): Promise<readonly TRow[] | null>;
}
