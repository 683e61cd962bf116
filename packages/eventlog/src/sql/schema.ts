// The log's tables, as one idempotent migration shared by PGlite and Postgres.
//
// Ordering design: positions come from an identity column, and positions are drawn one writer at
// a time under one advisory lock (a BEFORE INSERT statement trigger takes it before any position
// is drawn, so even a raw INSERT obeys it). Every row also records the id of the transaction
// that wrote it (`writer_xid`), assigned under that same lock, so positions rise with writer
// transaction ids: a transaction that drew a position below another's has the lower id.
//
// Writers that bypass the adapter, and the adapter's general path, hold the lock until they
// commit (transaction-scoped). The adapter's single-statement append (cairn_log_append) holds it
// only while it checks and draws positions and lets it go before its commit, so concurrent
// appends commit at once and share the commit's disk flush. A reader may then see position P
// while a lower position is still uncommitted; it must not pass that hole. Because positions
// rise with writer ids, the writer of any position missing between two visible rows a and b has
// an id between a's and b's: a read stops at the first such hole while a transaction of that id
// range is in progress in its snapshot (sql-event-log.ts), and passes it once none is (the hole is
// then a rolled-back append, for good). An append the log refuses (a wrong expected revision, an
// id already taken) is refused before any position is drawn, so it leaves no gap (one exception: two
// writers of one id to two streams at once, where the second sees the first only once its row is
// formed, and is refused then); a transaction
// that fails or is rolled back after inserting still can. Appends to one stream still commit one
// after the other: a stream's writer holds a lock on the stream's bucket until it commits, so the
// next one reads its revision before it checks its own.
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

/**
 * The locks the adapter's general path takes before reading the facts an append depends on: its
 * streams' buckets, then the ordering lock (same key as the trigger's), both until it commits.
 */
export function orderingLockSql(t: LogTables, streams: readonly string[]): { text: string; params: readonly unknown[] } {
  return { text: `select ${quoteIdent(t.schema)}.cairn_log_lock($1::text[])`, params: [streams] };
}

/** 'CAIS' as an int4: the advisory-lock class of a log's stream buckets. */
export const STREAM_LOCK_CLASS = 0x43414953;

/**
 * Streams hash into this many buckets for their commit locks: a batch of a thousand new streams
 * takes at most this many locks (the server's lock table is shared and finite).
 */
const STREAM_BUCKETS = 256;

// An id is a SHA-256: stored as its 32 bytes, not its 64 hex characters (half the row's id and
// half its key's entries). The adapter validates ids as lowercase hex before any SQL runs and
// converts at the statement (decode/encode 'hex', a byte loop on the server), so the id a reader
// gets is the hex text it appended.
const ID_FORMAT_CHECK = `(octet_length(id) = 32)`;

// Most streams are named `<kind>-<id>` after the event that opens them (`cf-<id>`): such a name
// is stored as its `<kind>-` alone, marked `stream_suffixed`, and read back as that followed by
// the id's hex (rows.ts), so the row does not carry the id twice. Any other name is stored as is.
// A row written with its whole name (an older log, a raw INSERT) reads the same.
const SUFFIXED = (stream: string, hexId: string) => `(length(${stream}) > 64 and right(${stream}, 64) = ${hexId})`;

/**
 * The stored parts of a stream name `stream` (text) for an event whose id is `hexId` (hex
 * text): what the row's stream column holds, and its stream_suffixed mark.
 */
export function storedStreamSql(stream: string, hexId: string): { stream: string; suffixed: string } {
  return { stream: `case when ${SUFFIXED(stream, hexId)} then left(${stream}, -64) else ${stream} end`, suffixed: SUFFIXED(stream, hexId) };
}

/**
 * The (stream, revision) key's first half: a 16-byte digest of the row's whole stream name, not
 * the name itself (a key entry a third of the size). Written the same in the index and in every
 * query that looks a stream up, so the planner matches them. Two names with one digest would
 * count as one stream for the key (the second's first append refused as a conflict, never a
 * second event at a revision): MD5 is not collision-resistant against someone who picks both
 * names, but taking over another's name needs a second preimage, and reads also compare the
 * name itself (sql-event-log.ts), so no read ever returns another stream's events.
 */
export function streamKeySql(row: string): string {
  return streamKeyOfName(streamNameSql(row));
}

/** The whole stream name of a row (`row` is its alias with its dot, or ''). */
export function streamNameSql(row: string): string {
  return `case when ${row}stream_suffixed then ${row}stream || encode(${row}id, 'hex') else ${row}stream end`;
}

/** The key of a stream name given as text. */
export const streamKeyOfName = (name: string): string => `md5(${name})::uuid`;

function ddl(t: LogTables): string[] {
  const p = `${quoteIdent(t.schema)}.`;
  return [
    `create schema if not exists ${quoteIdent(t.schema)}`,
    // Fixed-width columns first: each one after a text column would pad to its 8-byte alignment.
    `create table if not exists ${t.log} (
      position bigint generated always as identity primary key,
      revision bigint not null,
      recorded_at timestamptz not null default statement_timestamp(),
      writer_xid xid8 not null default pg_current_xact_id(),
      stream_suffixed boolean not null default false,
      id bytea not null,
      stream text not null,
      type text not null,
      data text not null,
      -- '' when the event has none (rows.ts): a NULL would add a null bitmap to the row's header.
      metadata text,
      constraint cairn_log_id_key unique (id),
      constraint cairn_log_id_format check ${ID_FORMAT_CHECK},
      constraint cairn_log_revision_check check (revision >= 0),
      constraint cairn_log_stream_check check (stream <> '')
    )`,
    // A log written when ids were stored as hex text (whatever its id check said) gets them as
    // bytes: one rewrite of the table and its indexes, inside the migration's transaction, so a
    // crash leaves the old table or the new one. Its column order stays as it was.
    `do $do$ begin
       if exists (select 1 from pg_attribute where attrelid = '${t.log.replace(/'/g, "''")}'::regclass
                   and attname = 'id' and atttypid = 'text'::regtype) then
         alter table ${t.log} drop constraint if exists cairn_log_id_format;
         alter table ${t.log} alter column id type bytea using decode(id, 'hex'),
           add constraint cairn_log_id_format check ${ID_FORMAT_CHECK};
       end if;
     end $do$`,
    // A log written when every row carried its whole stream name, under a (stream, revision) key
    // on the name: its `<kind>-<id>` names lose their suffix and its key becomes the digest's
    // (streamKeySql). One rewrite of the table (both columns computed from each old row) and
    // one index build, inside the migration's transaction: a crash leaves the old table or the new.
    `do $do$ begin
       if not exists (select 1 from pg_attribute where attrelid = '${t.log.replace(/'/g, "''")}'::regclass
                       and attname = 'stream_suffixed' and not attisdropped) then
         alter table ${t.log} drop constraint if exists cairn_log_stream_revision_key;
         alter table ${t.log} add column stream_suffixed boolean not null default false;
         alter table ${t.log} alter column stream_suffixed type boolean using ${SUFFIXED('stream', "encode(id, 'hex')")},
           alter column stream type text using ${storedStreamSql('stream', "encode(id, 'hex')").stream};
       end if;
     end $do$`,
    `create unique index if not exists cairn_log_stream_revision_key on ${t.log} ((${streamKeySql('')}), revision)`,
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
    // Rows from before writer_xid existed read as written by the migration's transaction: all
    // committed, below every later writer (a stable default is evaluated once, no table rewrite).
    `alter table ${t.log} add column if not exists writer_xid xid8 not null default pg_current_xact_id()`,
    // A writer holding the lock in this transaction already (an earlier statement, or the
    // single-statement append, which says so in cairn.ordered) does not take it again. A
    // transaction that wrote elsewhere before its first insert into the log has an id from
    // before it held the lock, which would break "positions rise with writer ids": refused.
    `create or replace function ${p}cairn_log_order() returns trigger language plpgsql as $fn$
     begin
       if coalesce(current_setting('cairn.ordered', true), '') = '' then
         perform pg_advisory_xact_lock(${t.lockClass}, hashtext(tg_table_schema || '.cairn_log'));
         if pg_current_xact_id_if_assigned() is not null then
           raise exception 'append to the cairn log before writing anything else in the transaction: its positions follow writer transaction ids'
             using errcode = 'object_not_in_prerequisite_state';
         end if;
         perform set_config('cairn.ordered', 'xact', true);
       end if;
       return null;
     end $fn$`,
    `create or replace trigger cairn_log_order before insert on ${t.log}
       for each statement execute function ${p}cairn_log_order()`,
    // The guard of the single-statement append (sql-event-log.ts): true when each given stream
    // ends at the given revision (-1: the stream is not in the log yet) and none of the ids is in
    // the log. It takes the ordering lock itself (unless its caller holds it) and then reads with a fresh snapshot (a volatile
    // function's queries see what committed while it waited), so the statement it guards draws
    // positions only when its rows will go in: a refused append leaves no gap in the log's
    // positions. Each name is looked up on its own, a stream's end by descending its (stream key,
    // revision) index (so a stream whose revisions were written with a hole still answers by
    // its last one): left to choose, the planner (with no statistics, or with one plan kept for
    // all calls) read the whole log for a batch, so appends slowed as the log grew.
    `drop function if exists ${p}cairn_log_fresh(text[], text[])`,
    `create or replace function ${p}cairn_log_expect(streams text[], heads bigint[], ids text[]) returns boolean language plpgsql volatile as $fn$
     begin
       if coalesce(current_setting('cairn.ordered', true), '') = '' then
         perform pg_advisory_xact_lock(${t.lockClass}, hashtext(${sqlLiteral(`${t.schema}.cairn_log`)}));
       end if;
       return not exists (select 1 from unnest(streams, heads) as s(name, head)
                           where coalesce((select l.revision from ${t.log} l where ${streamKeySql('l.')} = ${streamKeyOfName('s.name')}
                                            order by l.revision desc limit 1), -1) <> s.head)
          and not exists (select 1 from unnest(ids) as i(id)
                            cross join lateral (select 1 from ${t.log} l where l.id = decode(i.id, 'hex') limit 1) taken);
     end $fn$`,
    // The general path's locks: the buckets of its streams in ascending order (no two writers
    // wait on each other's buckets), then the ordering lock, all until commit.
    `create or replace function ${p}cairn_log_lock(streams text[]) returns void language plpgsql volatile as $fn$
     declare bucket int;
     begin
       for bucket in select distinct abs(hashtext(s) % ${STREAM_BUCKETS}) from unnest(streams) s order by 1 loop
         perform pg_advisory_xact_lock(${STREAM_LOCK_CLASS}, bucket);
       end loop;
       perform pg_advisory_xact_lock(${t.lockClass}, hashtext(${sqlLiteral(`${t.schema}.cairn_log`)}));
     end $fn$`,
    // The single-statement append, in its own transaction: the streams' buckets until commit;
    // the ordering lock (session-scoped, so it can be let go before the commit) while the heads
    // and ids are checked (cairn_log_expect) and the rows drawn their positions and writer id;
    // then the lock goes, whatever happened, and the commit's flush is shared with other
    // writers'. No rows when the check said no: nothing inserted, no position drawn.
    `create or replace function ${p}cairn_log_append(ids text[], streams text[], revisions bigint[], types text[], datas text[],
       metadatas text[], expect_streams text[], expect_heads bigint[]) returns table (event_id text, event_position bigint)
     language plpgsql volatile as $fn$
     declare bucket int;
     begin
       for bucket in select distinct abs(hashtext(s) % ${STREAM_BUCKETS}) from unnest(expect_streams) s order by 1 loop
         perform pg_advisory_xact_lock(${STREAM_LOCK_CLASS}, bucket);
       end loop;
       -- Taken inside the block: no interrupt can land between taking it and the handlers that
       -- let it go (pg_advisory_unlock of a lock not held only warns).
       begin
         perform pg_advisory_lock(${t.lockClass}, hashtext(${sqlLiteral(`${t.schema}.cairn_log`)}));
         perform set_config('cairn.ordered', 'session', true);
         if ${p}cairn_log_expect(expect_streams, expect_heads, ids) then
           return query insert into ${t.log} as l (id, stream, stream_suffixed, revision, type, data, metadata)
             select decode(r.id, 'hex'), ${storedStreamSql('r.stream', 'r.id').stream}, ${storedStreamSql('r.stream', 'r.id').suffixed},
                    r.revision, r.type, r.data, r.metadata
               from unnest(ids, streams, revisions, types, datas, metadatas) with ordinality as r(id, stream, revision, type, data, metadata, n)
              order by r.n
             returning encode(l.id, 'hex'), l.position;
         end if;
         perform set_config('cairn.ordered', '', true);
         perform pg_advisory_unlock(${t.lockClass}, hashtext(${sqlLiteral(`${t.schema}.cairn_log`)}));
       exception
         when query_canceled then
           perform pg_advisory_unlock(${t.lockClass}, hashtext(${sqlLiteral(`${t.schema}.cairn_log`)}));
           raise;
         when others then
           perform pg_advisory_unlock(${t.lockClass}, hashtext(${sqlLiteral(`${t.schema}.cairn_log`)}));
           raise;
       end;
     end $fn$`,
    // One notification per inserting statement wakes live subscribers (delivered at commit). Not
    // from the single-statement append: a transaction that notifies holds the server's notify
    // lock through its commit's flush, which would make concurrent appends commit one flush at a
    // time again; its adapter notifies after the commit instead (open-postgres-event-log.ts).
    `create or replace function ${p}cairn_log_notify() returns trigger language plpgsql as $fn$
     begin
       if coalesce(current_setting('cairn.ordered', true), '') <> 'session' then
         perform pg_notify(tg_table_schema || '.cairn_log', '');
       end if;
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
