// COPY ... FROM STDIN through kysely. Rows loaded as COPY text cost the server a fraction of what
// the same rows cost as INSERT ... SELECT FROM unnest (no array literals to parse, no executor per
// row: the lineage rows of a 200k-event rebuild went from ~1.5 s to ~0.55 s), but kysely has no
// COPY, and a batch's rows must go on the batch's own transaction. So the statement goes like any
// query, `copy "t" ("a", "b") from stdin` with the rows (COPY's text format) as its one and only
// parameter, and the store's pools send it as a COPY: pg's through the COPY sub-protocol
// (pg-copy-streams), PGlite's from its /dev/blob. To any other driver such a statement is an error
// (a parameter no $n uses), so nothing else can be mistaken for one.
import { CompiledQuery, type Kysely } from 'kysely';

const COPY_FROM_STDIN = /^copy\s[^;]*\sfrom\s+stdin$/i;

/** The rows of a `copy ... from stdin` statement made by copyRows; undefined for any other query. */
export function copyFromStdin(text: string, parameters: readonly unknown[] | undefined): string | undefined {
  if (parameters?.length !== 1) return undefined;
  const [rows] = parameters;
  return typeof rows === 'string' && COPY_FROM_STDIN.test(text) ? rows : undefined;
}

/** `copy ... from stdin` → `copy ... from '/dev/blob'` (PGlite reads the COPY data from the query's blob). */
export function copyFromBlob(text: string): string {
  return text.replace(/stdin$/i, `'/dev/blob'`);
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Loads rows (COPY text format: one line per row, fields separated by tabs, each made with
 * copyField) into `table` of the connection's search_path, on `db`'s connection (in its
 * transaction, when it is one). The store's pools know how; see this file's head. The table and
 * its columns are names of `db`'s Database interface, so a renamed column fails to compile here.
 * Name TDB and the table's type at the call: TypeScript cannot infer DB from a Kysely<DB>.
 */
export async function copyRows<TDB, TTable extends keyof TDB & string>(
  db: Kysely<TDB>,
  table: TTable,
  columns: readonly (keyof TDB[TTable] & string)[],
  rows: string,
): Promise<void> {
  if (rows.length === 0) return;
  const statement = `copy ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) from stdin`;
  await db.executeQuery(CompiledQuery.raw(statement, [rows]));
}

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A text value as a COPY text field: backslash, newline, carriage return and tab escaped. */
export function copyField(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (c) => ESCAPES[c]!) : value;
}

/**
 * copyRows for rows that a key may already hold, where the first statement of a row wins (what
 * `insert ... on conflict do nothing` says): the COPY goes first, in a savepoint, and only when a
 * key refuses it (23505, unique_violation: a row stated again, in the batch or before it) is the
 * savepoint rolled back and `orInsert` run, which must leave the rows already there as they are.
 * Logs state each id once, so the insert is the rare path and the batch costs one COPY.
 */
export async function copyRowsOrInsert<TDB, TTable extends keyof TDB & string>(
  db: Kysely<TDB>,
  table: TTable,
  columns: readonly (keyof TDB[TTable] & string)[],
  rows: string,
  orInsert: () => Promise<void>,
): Promise<void> {
  if (rows.length === 0) return;
  await db.executeQuery(CompiledQuery.raw('savepoint cairn_copy_rows'));
  try {
    await copyRows(db, table, columns, rows);
    await db.executeQuery(CompiledQuery.raw('release savepoint cairn_copy_rows'));
    return;
  } catch (cause) {
    if ((cause as { code?: unknown }).code !== '23505') throw cause;
    await db.executeQuery(CompiledQuery.raw('rollback to savepoint cairn_copy_rows'));
    await db.executeQuery(CompiledQuery.raw('release savepoint cairn_copy_rows'));
  }
  await orInsert();
}

/** A nullable text value as a COPY text field (\N for null). */
export function copyNullableField(value: string | null): string {
  return value === null ? '\\N' : copyField(value);
}
