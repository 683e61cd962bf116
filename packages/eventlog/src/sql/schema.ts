// The log's tables, as one idempotent migration shared by PGlite and Postgres.
//
// Ordering design: positions come from an identity column, and every insert into the log first
// takes one transaction-scoped advisory lock (a BEFORE INSERT statement trigger takes it before
// any position is drawn, so even a raw INSERT obeys it). Appenders therefore draw positions
// and commit one transaction at a time, and a reader that sees position P sees every committed
// position below P: no reader can skip an event that commits late. An append the log refuses
// (a wrong expected revision, an id already taken) is refused before any position is drawn, so
// it leaves no gap; a transaction that fails or is rolled back after inserting still can. The price is that appends are serialised; the `append` benchmark
// measures it.
import { createHash } from 'node:crypto';
import type { SqlExecutor } from './executor.js';

/** Where the log's tables live. */
export interface LogTables {
  readonly schema: string;
  /** Fully qualified, quoted table name. */
  readonly log: string;
  /** Class half of the ordering lock's key; the object half is hashtext('<schema>.cairn_log'). */
  readonly lockClass: number;
}

/** 'CAIR' as an int4: the advisory-lock class every Cairn log uses. */
export const ORDERING_LOCK_CLASS = 0x43414952;

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function logTables(schema: string): LogTables {
  return { schema, log: `${quoteIdent(schema)}.cairn_log`, lockClass: ORDERING_LOCK_CLASS };
}

/** The lock the adapter takes before reading the facts an append depends on (same key as the trigger's). */
export function orderingLockSql(t: LogTables): { text: string; params: readonly unknown[] } {
  return { text: 'select pg_advisory_xact_lock($1::int4, hashtext($2::text))', params: [t.lockClass, `${t.schema}.cairn_log`] };
}

// An id is 64 lowercase hex characters. Said without a regex: on PGlite, `id ~ '^[0-9a-f]{64}$'`
// cost 12-20 µs of the ~65 µs each appended event took (the `append` and `ingest` benchmarks),
// while trimming the hex alphabet off the id is a byte loop.
const ID_FORMAT_CHECK = `(char_length(id) = 64 and ltrim(id, '0123456789abcdef') = '')`;

function ddl(t: LogTables): string[] {
  const p = `${quoteIdent(t.schema)}.`;
  return [
    `create schema if not exists ${quoteIdent(t.schema)}`,
    `create table if not exists ${t.log} (
      position bigint generated always as identity primary key,
      id text not null,
      stream text not null,
      revision bigint not null,
      type text not null,
      data text not null,
      metadata text,
      recorded_at timestamptz not null default statement_timestamp(),
      constraint cairn_log_id_key unique (id),
      constraint cairn_log_stream_revision_key unique (stream, revision),
      constraint cairn_log_id_format check ${ID_FORMAT_CHECK},
      constraint cairn_log_revision_check check (revision >= 0),
      constraint cairn_log_stream_check check (stream <> '')
    )`,
    // Logs created before the id check lost its regex get the cheaper, equivalent check.
    `do $do$ begin
       if exists (select 1 from pg_constraint where conrelid = '${t.log.replace(/'/g, "''")}'::regclass
                   and conname = 'cairn_log_id_format' and pg_get_constraintdef(oid) like '%~%') then
         alter table ${t.log} drop constraint cairn_log_id_format,
           add constraint cairn_log_id_format check ${ID_FORMAT_CHECK};
       end if;
     end $do$`,
    // Append-only, enforced by the database (design.md section 4).
    `create or replace function ${p}cairn_log_reject_change() returns trigger language plpgsql as $fn$
     begin
       raise exception 'the cairn log is append-only: % on % is not allowed', tg_op, tg_table_name
         using errcode = 'restrict_violation';
     end $fn$`,
    `create or replace trigger cairn_log_no_update before update or delete on ${t.log}
       for each row execute function ${p}cairn_log_reject_change()`,
    `create or replace trigger cairn_log_no_truncate before truncate on ${t.log}
       for each statement execute function ${p}cairn_log_reject_change()`,
    // Statement-level BEFORE triggers fire before the first row (and its identity value) is
    // formed, so the ordering lock is held before any position of the statement is drawn.
    `create or replace function ${p}cairn_log_order() returns trigger language plpgsql as $fn$
     begin
       perform pg_advisory_xact_lock(${t.lockClass}, hashtext(tg_table_schema || '.cairn_log'));
       return null;
     end $fn$`,
    `create or replace trigger cairn_log_order before insert on ${t.log}
       for each statement execute function ${p}cairn_log_order()`,
    // The guard of the single-statement append (sql-event-log.ts): true when each given stream
    // ends at the given revision (-1: the stream is not in the log yet) and none of the ids is in
    // the log. It takes the ordering lock itself and then reads with a fresh snapshot (a volatile
    // function's queries see what committed while it waited), so the statement it guards draws
    // positions only when its rows will go in: a refused append leaves no gap in the log's
    // positions. Each name is looked up on its own, a stream's end by descending its (stream,
    // revision) index (so a stream whose revisions were written with a hole still answers by
    // its last one): left to choose, the planner (with no statistics, or with one plan kept for
    // all calls) read the whole log for a batch, so appends slowed as the log grew.
    `drop function if exists ${p}cairn_log_fresh(text[], text[])`,
    `create or replace function ${p}cairn_log_expect(streams text[], heads bigint[], ids text[]) returns boolean language plpgsql volatile as $fn$
     begin
       perform pg_advisory_xact_lock(${t.lockClass}, hashtext(${sqlLiteral(`${t.schema}.cairn_log`)}));
       return not exists (select 1 from unnest(streams, heads) as s(name, head)
                           where coalesce((select l.revision from ${t.log} l where l.stream = s.name
                                            order by l.revision desc limit 1), -1) <> s.head)
          and not exists (select 1 from unnest(ids) as i(id)
                            cross join lateral (select 1 from ${t.log} l where l.id = i.id limit 1) taken);
     end $fn$`,
    // One notification per inserting statement wakes live subscribers (delivered at commit).
    `create or replace function ${p}cairn_log_notify() returns trigger language plpgsql as $fn$
     begin
       perform pg_notify(tg_table_schema || '.cairn_log', '');
       return null;
     end $fn$`,
    `create or replace trigger cairn_log_notify after insert on ${t.log}
       for each statement execute function ${p}cairn_log_notify()`,
  ];
}

/**
 * What the migration leaves on the log table as its comment: a digest of the DDL itself, so
 * any change to the statements above makes every existing log migrate again on its next open.
 */
export function schemaMark(t: LogTables): string {
  return `cairn log schema ${createHash('sha256').update(ddl(t).join('\n;\n')).digest('hex').slice(0, 16)}`;
}

/** True when the log table carries the mark of this very DDL: the migration has nothing to do. */
async function atCurrentSchema(executor: SqlExecutor, t: LogTables, mark: string): Promise<boolean> {
  const rows = await executor.query<{ mark: string | null }>(`select obj_description(to_regclass($1), 'pg_class') as mark`, [t.log]);
  return rows[0]?.mark === mark;
}

/**
 * Creates the log's tables, indexes and triggers if missing. Safe to run concurrently and
 * repeatedly: a transaction-scoped advisory lock serialises concurrent migrations. A log already
 * at this schema (its mark, written last in the same transaction) is left alone: one read, no
 * DDL, so opening a store writes nothing to its catalog.
 */
export async function migrateEventLog(executor: SqlExecutor, tables: LogTables): Promise<void> {
  const mark = schemaMark(tables);
  if (await atCurrentSchema(executor, tables, mark)) return;
  await executor.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${tables.lockClass}, 0)`);
    for (const statement of ddl(tables)) await tx.query(statement);
    await tx.query(`comment on table ${tables.log} is ${sqlLiteral(mark)}`);
  });
}

/** The channel the notify trigger uses: `<schema>.cairn_log`. */
export function notifyChannel(t: LogTables): string {
  return `${t.schema}.cairn_log`;
}
