// A projection's tables as text that is byte-identical whenever the tables hold the same rows:
// `cairn verify` and the crash test compare a live projection with a clean rebuild this way.
// Each row is one RFC 8785 canonical JSON line (keys sorted by the RFC); rows are sorted in
// JavaScript by code unit rather than by ORDER BY, so the dump does not depend on the server's
// collation and a PGlite dump compares equal to a Postgres dump of the same rows. The events the
// projection recorded as failed follow its tables (only when there are any): a rebuild must skip
// the same events for the same reasons.
import { canonicalize } from '@cairn/core';
import { sql, type Kysely } from 'kysely';
import type { Projection } from './projection.js';
import { inScope } from './batch.js';
import { FAILURES_TABLE, runnerTables, type RunnerDatabase } from './runner-tables.js';

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function line(value: unknown, where: string): string {
  const text = canonicalize(plain(value) as never);
  if (text._tag === 'Left') throw new Error(`canonicalDump: ${where}${text.left.path.slice(1)}: ${text.left.reason}`);
  return text.right;
}

export interface CanonicalDumpOptions {
  /** Dump the copy in this schema (e.g. one made by rebuild(name, { schema })). */
  readonly schema?: string;
}

/**
 * Every table of the projection, in its declared order: a header line with the columns, then the
 * rows; then, given the projection's name, the events it recorded as failed, if any.
 */
export async function canonicalDump<TDB>(
  db: Kysely<TDB>,
  projection: Pick<Projection, 'tables'> & { readonly name?: string },
  options: CanonicalDumpOptions = {},
): Promise<string> {
  return inScope(runnerTables(db), options.schema ?? null, async (tx) => {
    const catalog = await columnsOf(tx, projection.tables);
    const out: string[] = [];
    for (const table of projection.tables) {
      const columns = catalog.get(table);
      if (columns === undefined) throw new Error(`canonicalDump: table ${table} does not exist in the current schema`);
      out.push(line({ table, columns }, table));
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(tx);
      const lines = rows.rows.map((row) => line(row, table));
      lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      out.push(...lines);
    }
    if (projection.name !== undefined && catalog.has(FAILURES_TABLE)) out.push(...(await failureLines(tx, projection.name)));
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  });
}

/**
 * A digest of the same tables, computed where they live: per table, the header line of
 * canonicalDump, then the row count and a SHA-256 over the sorted SHA-256s of every row's binary
 * form (record_send: each column's type and its value as the wire protocol sends it), so nothing
 * the size of the table crosses to JavaScript; then the failure lines as canonicalDump writes them.
 * The binary form rather than the row's text: printing a row (timestamps, floats, jsonb, bytea as
 * hex) cost more than hashing it. A value is read back whole from its binary form, so equal forms
 * are equal values and print alike. Type ids are the database's own, so two digests compare only
 * within one database (verify compares the live tables with a rebuild in a scratch schema of the
 * same one): equal digests mean equal rows; different ones are worth a canonicalDump to say where
 * (the dump is the verdict).
 */
export async function canonicalDigest<TDB>(
  db: Kysely<TDB>,
  projection: Pick<Projection, 'tables'> & { readonly name?: string },
  options: CanonicalDumpOptions = {},
): Promise<{ readonly lines: readonly string[]; readonly rows: number }> {
  return inScope(runnerTables(db), options.schema ?? null, async (tx) => {
    const catalog = await columnsOf(tx, projection.tables);
    const out: string[] = [];
    let rows = 0;
    for (const table of projection.tables) {
      const columns = catalog.get(table);
      if (columns === undefined) throw new Error(`canonicalDump: table ${table} does not exist in the current schema`);
      out.push(line({ table, columns }, table));
      // Hashes are sorted as bytes (no collation), and only 32 bytes a row are aggregated, so a
      // table of millions of rows stays far below Postgres's 1GB limit on one value.
      const digest = await sql<{ n: string; d: string | null }>`select count(*)::text as n,
          encode(sha256(string_agg(h, ''::bytea order by h)), 'hex') as d
        from (select sha256(record_send(t)) as h from ${sql.table(table)} t) s`.execute(tx);
      const { n, d } = digest.rows[0]!;
      rows += Number(n);
      out.push(line({ rows: n, sha256: d }, table));
    }
    if (projection.name !== undefined && catalog.has(FAILURES_TABLE)) out.push(...(await failureLines(tx, projection.name)));
    return { lines: out, rows };
  });
}

/**
 * The columns (name and type, in order) of each of `tables` and of the runner's failures table
 * that exist in the current schema. One read of the catalog for all of them: information_schema
 * is costly to ask, and a digest asks for every table of a projection.
 */
async function columnsOf(tx: Kysely<RunnerDatabase>, tables: readonly string[]): Promise<Map<string, [string, string][]>> {
  const found = await sql<{ table_name: string; column_name: string; data_type: string }>`select table_name, column_name, data_type
    from information_schema.columns
    where table_schema = current_schema() and table_name = any(${[...tables, FAILURES_TABLE]}::text[])
    order by table_name, ordinal_position`.execute(tx);
  const columns = new Map<string, [string, string][]>();
  for (const c of found.rows) {
    const of = columns.get(c.table_name) ?? [];
    of.push([c.column_name, c.data_type]);
    columns.set(c.table_name, of);
  }
  return columns;
}

async function failureLines(tx: Kysely<RunnerDatabase>, projection: string): Promise<string[]> {
  const rows = await tx
    .selectFrom(FAILURES_TABLE)
    .select([sql<string>`position::text`.as('position'), 'event_id', 'event_type', 'reason'])
    .where('projection', '=', projection)
    .execute();
  if (rows.length === 0) return [];
  const lines = rows.map((row) => line(row, FAILURES_TABLE));
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [line({ table: FAILURES_TABLE, projection }, FAILURES_TABLE), ...lines];
}
