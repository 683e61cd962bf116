// The log over any SqlExecutor (PGlite or pg). One append batch is one transaction:
// ordering lock → one query for the stored facts of the batch's ids and streams → one
// INSERT ... SELECT FROM unnest(...) for all its rows. See ./schema.ts for why the lock.
//
// Bulk ingest appends new `cf-<id>` streams with "no stream" expected; a writer that keeps a
// stream appends with the exact revision it last saw. A batch made only of such requests (each
// stream once) is first tried as one INSERT statement (its own transaction), revisions following
// the expected ones, guarded by cairn_log_expect (schema.ts): under the ordering lock, each
// stream must end where the request expects and none of the ids may be in the log. When that is
// not so, the statement inserts nothing and draws no position (a refused append must leave no
// gap), and the batch then takes the full path, whose planner names the replay or the conflict.
// One round trip instead of five (begin, lock, facts, insert, commit) on the common path. On a
// shared server (Postgres) that statement is cairn_log_append, which lets the ordering lock go
// before its commit; reads there stop at a hole an uncommitted writer may still fill (schema.ts).
import * as E from 'fp-ts/lib/Either.js';
import type { AppendRequest, AppendResult, EventLog, EventLogError, LogPosition, LogSubscription, RecordedEvent } from '../port.js';
import { isEventId, prepareRequests, type PreparedEvent, type PreparedRequest } from '../prepare.js';
import { batchKeys, planAppends, type RowToWrite, type StoredEvent } from '../append-plan.js';
import { pollingSubscription } from '../subscription.js';
import type { SqlExecutor, SqlQueryable } from './executor.js';
import { orderingLockSql, quoteIdent, storedStreamSql, streamKeyOfName, streamKeySql, streamNameSql, type LogTables } from './schema.js';
import {
  EVENT_COLUMNS,
  NO_METADATA,
  PACKED_EVENT_SQL,
  PACKED_EVENTS,
  PACKED_ROW_OVERHEAD_BYTES,
  streamOf,
  toRecorded,
  toStored,
  type EventRow,
} from './rows.js';
import { Rejected, sqlState, translateSqlError } from './errors.js';
import { textArrayLiteral, textArrayParam } from './text-array.js';

export interface SqlEventLogOptions {
  readonly adapter: string;
  readonly executor: SqlExecutor;
  readonly tables: LogTables;
  /** Wake-up signal for live subscriptions (in-process emitter, LISTEN/NOTIFY). */
  readonly onAppend: (listener: () => void) => () => void;
  /** Called after a batch that wrote something has committed. */
  readonly afterCommit?: () => void;
  /** Called after a single-statement append committed on a shared server, which notified no one (schema.ts). */
  readonly afterQuietCommit?: () => void;
  readonly idlePollMs: number;
  /**
   * The executor has one connection and runs one transaction at a time (PGlite): no other
   * writer can interleave, so the explicit ordering-lock round trip is skipped (the insert
   * trigger still takes it).
   */
  readonly exclusiveConnection?: boolean;
  /**
   * Read pages packed (SqlExecutor.queryPacked, which the executor must have): one text per chunk
   * of a page's rows, each chunk at most `chunkBytes` of stored text plus one row (Postgres refuses
   * a value over 1 GB, and one event may carry megabytes). Only for an exclusive connection.
   */
  readonly packedReads?: PackedReads;
  readonly close: () => Promise<void>;
}

export interface PackedReads {
  readonly chunkBytes: number;
  /**
   * A read that cannot return this many rows (a small limit, a few ids) is read per row: on a
   * few rows the packed statement's longer plan costs more than the split saves.
   */
  readonly minRows: number;
}

/**
 * The packed form of a page (`page` selects whole rows of the log as `l`, in `order`): one result
 * row per chunk, chunks in order, each the `n` rows whose running total of stored bytes falls in
 * one multiple of `chunkBytes`. The page's rows are all there, limit included; only how they
 * travel changes.
 */
export function packedPageSql(page: string, order: string, chunkBytes: number): string {
  const bytes = `octet_length(l.stream) + octet_length(l.type) + octet_length(l.data) + coalesce(octet_length(l.metadata), 0) + ${PACKED_ROW_OVERHEAD_BYTES}`;
  return `select count(*)::int as n, string_agg(${PACKED_EVENT_SQL}, '' order by ${order}) as packed
            from (select l.*, sum(${bytes}) over (order by ${order}) / ${chunkBytes} as chunk from (${page}) l) l
           group by l.chunk order by l.chunk`;
}

interface FactRow extends EventRow {
  readonly kind: 'event' | 'stream';
}

async function loadFacts(tx: SqlQueryable, t: LogTables, ids: readonly string[], streams: readonly string[]) {
  // One round trip for both facts the planner needs: events with the batch's ids, and each
  // touched stream's last event (a descent of the (stream key, revision) index, schema.ts).
  const rows = await tx.query<FactRow>(
    `select 'event' as kind, ${EVENT_COLUMNS} from ${t.log} where id = any(${idsAsBytes('$1')})
     union all
     select 'stream' as kind, ${EVENT_COLUMNS} from unnest($2::text[]) as s(name)
       cross join lateral (select * from ${t.log} l where ${streamKeySql('l.')} = ${streamKeyOfName('s.name')} and ${streamNameSql('l.')} = s.name
                            order by l.revision desc limit 1) last`,
    [ids, streams],
  );
  const byId = new Map<string, StoredEvent>();
  const lastRevision = new Map<string, bigint>();
  for (const row of rows) {
    if (row.kind === 'event') byId.set(row.id, toStored(row));
    else lastRevision.set(streamOf(row), BigInt(row.revision));
  }
  return { byId, lastRevision };
}

/**
 * The ids of a text[] parameter of hex ids as the bytea[] the id key is searched with: one array
 * built once (an init plan), so the key is probed for each id as it was for the text ids.
 */
const idsAsBytes = (param: string): string => `array(select decode(h, 'hex') from unnest(${param}::text[]) as h)`;

/**
 * The rows of an insert, column by column, as the statement's array parameters take them (built
 * in one pass: a bulk batch is thousands of rows, and every per-row object or BigInt sum on the
 * caller's thread delays the statement).
 */
interface RowColumns {
  readonly ids: string[];
  readonly streams: string[];
  /** Decimal text, as the bigint[] literal takes it. */
  readonly revisions: string[];
  readonly types: string[];
  readonly datas: string[];
  /** '' for none (schema.ts). */
  readonly metadatas: string[];
}

const emptyColumns = (): RowColumns => ({ ids: [], streams: [], revisions: [], types: [], datas: [], metadatas: [] });

function pushRow(c: RowColumns, event: PreparedEvent, stream: string, revision: string): void {
  c.ids.push(event.id);
  c.streams.push(stream);
  c.revisions.push(revision);
  c.types.push(event.type);
  c.datas.push(event.data);
  c.metadatas.push(event.metadata ?? NO_METADATA);
}

function columnsOf(rows: readonly RowToWrite[]): RowColumns {
  const c = emptyColumns();
  for (const row of rows) pushRow(c, row, row.stream, row.revision.toString());
  return c;
}

/** A bigint[] literal of decimal texts (no element needs quoting). */
const bigintArrayLiteral = (values: readonly string[]): string => `{${values.join(',')}}`;

/**
 * Inserts the rows in order. `guard`: only if each of its streams ends at its head (-1: not in
 * the log) and none of the rows' ids is in the log yet (cairn_log_expect, evaluated once, before
 * any row is formed); otherwise nothing is inserted and no position is drawn, and the answer is
 * empty.
 */
async function insertRows(
  tx: SqlQueryable,
  t: LogTables,
  rows: RowColumns,
  guard?: ExpectedHeads,
  shared = false,
): Promise<Map<string, LogPosition>> {
  // Ids, streams, types and bodies travel as one separator-joined text each (text-array.ts).
  const ids = textArrayParam(rows.ids, 1);
  const streams = textArrayParam(rows.streams, 2);
  const types = textArrayParam(rows.types, 4);
  const data = textArrayParam(rows.datas, 5);
  const expectStreams = guard ? textArrayParam(guard.streams, 7) : undefined;
  const params = [
    ids.param,
    streams.param,
    bigintArrayLiteral(rows.revisions),
    types.param,
    data.param,
    textArrayLiteral(rows.metadatas),
    ...(guard && expectStreams ? [expectStreams.param, bigintArrayLiteral(guard.heads)] : []),
  ];
  if (guard && expectStreams && shared) {
    // Other writers share the server: the function lets the ordering lock go before the commit
    // (schema.ts), so concurrent appends share the commit's flush.
    const appended = await tx.query<{ id: string; position: string }>(
      `select a.event_id as id, a.event_position::text as position
         from ${quoteIdent(t.schema)}.cairn_log_append(${ids.sql}, ${streams.sql}, $3::bigint[], ${types.sql}, ${data.sql}, $6::text[], ${expectStreams.sql}, $8::bigint[]) a`,
      params,
    );
    return new Map(appended.map((r) => [r.id, BigInt(r.position)]));
  }
  const guarded =
    guard && expectStreams
      ? {
          with: `with expected as materialized (select ${quoteIdent(t.schema)}.cairn_log_expect(${expectStreams.sql}, $8::bigint[], ${ids.sql}) as ok) `,
          from: ' cross join expected where expected.ok',
        }
      : { with: '', from: '' };
  const stored = storedStreamSql('r.stream', 'r.id');
  const inserted = await tx.query<{ id: string; position: string }>(
    `${guarded.with}insert into ${t.log} (id, stream, stream_suffixed, revision, type, data, metadata)
     select decode(r.id, 'hex'), ${stored.stream}, ${stored.suffixed}, r.revision, r.type, r.data, r.metadata
       from unnest(${ids.sql}, ${streams.sql}, $3::bigint[], ${types.sql}, ${data.sql}, $6::text[])
         with ordinality as r(id, stream, revision, type, data, metadata, n)${guarded.from}
      order by r.n
     returning encode(id, 'hex') as id, position::text as position`,
    params,
  );
  return new Map(inserted.map((r) => [r.id, BigInt(r.position)]));
}

/** Where each stream of a guarded insert must end for it to go in; -1: not in the log. */
interface ExpectedHeads {
  readonly streams: readonly string[];
  /** Decimal text. */
  readonly heads: readonly string[];
}

/** The head a request expects its stream at, when it names one (no stream, or an exact revision). */
function expectedHead(request: PreparedRequest): bigint | null {
  const expected = request.expectedRevision;
  if (expected.kind === 'no-stream') return -1n;
  if (expected.kind === 'exact') return expected.revision;
  return null;
}

/**
 * The rows of a batch in which every request names the head of a distinct stream, with the
 * heads they expect, or null for any other batch (two requests for one stream: the planner
 * decides how the second follows the first).
 */
function guardedRows(requests: readonly PreparedRequest[]): { rows: RowColumns; expected: ExpectedHeads; after: bigint[] } | null {
  const rows = emptyColumns();
  const streams: string[] = [];
  const heads: string[] = [];
  /** Each request's stream revision after its events: its next expected revision. */
  const after: bigint[] = [];
  const seen = new Set<string>();
  for (const request of requests) {
    const head = expectedHead(request);
    if (head === null || seen.has(request.stream)) return null;
    seen.add(request.stream);
    streams.push(request.stream);
    heads.push(head.toString());
    const events = request.events;
    // A new stream (the bulk case) numbers its events from 0 without BigInt sums.
    if (head === -1n) for (let i = 0; i < events.length; i++) pushRow(rows, events[i]!, request.stream, String(i));
    else for (let i = 0; i < events.length; i++) pushRow(rows, events[i]!, request.stream, (head + 1n + BigInt(i)).toString());
    after.push(head + BigInt(events.length));
  }
  return { rows, expected: { streams, heads }, after };
}

const UNIQUE_VIOLATION = '23505';

/** The single-statement attempt; `null` when the table's keys said no and the planner must decide. */
async function appendAtExpectedHeads(
  executor: SqlExecutor,
  t: LogTables,
  requests: readonly PreparedRequest[],
  guarded: { rows: RowColumns; expected: ExpectedHeads; after: readonly bigint[] },
  shared: boolean,
): Promise<AppendResult[] | null> {
  let positions: Map<string, LogPosition>;
  try {
    positions = await insertRows(executor, t, guarded.rows, guarded.expected, shared);
  } catch (e) {
    if (sqlState(e) === UNIQUE_VIOLATION) return null;
    throw e;
  }
  if (positions.size === 0) return null;
  return requests.map((r, k) => ({
    nextExpectedRevision: guarded.after[k]!,
    position: positions.get(r.events[r.events.length - 1]!.id)!,
    alreadyAppended: false,
  }));
}

async function appendInTransaction(
  tx: SqlQueryable,
  t: LogTables,
  requests: readonly PreparedRequest[],
  exclusive: boolean,
): Promise<AppendResult[]> {
  const { ids, streams } = batchKeys(requests);
  if (!exclusive) {
    const lock = orderingLockSql(t, streams);
    await tx.query(lock.text, lock.params);
  }
  const plans = planAppends(requests, await loadFacts(tx, t, ids, streams));
  if (E.isLeft(plans)) throw new Rejected(plans.left);
  const rows = plans.right.flatMap((p) => (p.kind === 'write' ? p.rows : []));
  const positions = rows.length === 0 ? new Map<string, LogPosition>() : await insertRows(tx, t, columnsOf(rows));
  return plans.right.map((plan) => {
    if (plan.kind === 'replay') return plan.result;
    const last = plan.rows[plan.rows.length - 1]!;
    return { nextExpectedRevision: last.revision, position: positions.get(last.id)!, alreadyAppended: false };
  });
}

export function createSqlEventLog(options: SqlEventLogOptions): EventLog {
  const { executor, tables: t } = options;
  const subscriptions = new Set<LogSubscription>();

  async function read(text: string, params: readonly unknown[]): Promise<E.Either<EventLogError, readonly RecordedEvent[]>> {
    try {
      return E.right((await executor.query<EventRow>(text, params)).map(toRecorded));
    } catch (e) {
      return E.left(translateSqlError(e, {}));
    }
  }

  const exclusive = options.exclusiveConnection ?? false;
  const packed = exclusive && options.packedReads !== undefined && executor.queryPacked !== undefined ? options.packedReads : undefined;
  if (packed && !(Number.isSafeInteger(packed.chunkBytes) && packed.chunkBytes > 0))
    throw new RangeError(`packed reads need a positive whole number of bytes per chunk, not ${packed.chunkBytes}`);
  /** Whether a read of at most `rows` rows (undefined: no bound) is read packed. */
  const packs = (rows: number | undefined): boolean => packed !== undefined && (rows === undefined || rows >= packed.minRows);

  /**
   * The rows `page` selects (whole rows of the log as `l`), in `order`, read packed; when some
   * text holds the packing's separator they are read again per row.
   */
  async function readPacked(
    page: string,
    order: string,
    params: readonly unknown[],
  ): Promise<E.Either<EventLogError, readonly RecordedEvent[]>> {
    let rows: readonly EventRow[] | null;
    try {
      rows = await executor.queryPacked!<EventRow>(packedPageSql(page, order, packed!.chunkBytes), params, PACKED_EVENTS);
    } catch (e) {
      return E.left(translateSqlError(e, {}));
    }
    return rows === null ? read(`select ${EVENT_COLUMNS} from (${page}) l order by ${order}`, params) : E.right(rows.map(toRecorded));
  }

  // One connection: no transaction of the log's is ever in flight beside a read.
  const readExclusive = (after: LogPosition | null, limit: number | undefined) =>
    packs(limit)
      ? readPacked(`select * from ${t.log} l where l.position > $1::bigint order by l.position limit $2`, 'l.position', [
          (after ?? 0n).toString(),
          limit ?? null,
        ])
      : read(`select ${EVENT_COLUMNS} from ${t.log} l where l.position > $1::bigint order by l.position limit $2`, [
          (after ?? 0n).toString(),
          limit ?? null,
        ]);

  // Shared server: the page ends before the first hole (a position missing between two rows it
  // read, or between the reader's cursor and its first row) that a transaction in progress in this
  // statement's snapshot may still fill: positions rise with writer ids (schema.ts), so that
  // writer's id lies between the ids of the rows on either side of the hole. One statement, so
  // the rows and the list of transactions in progress come from one snapshot.
  const readShared = (after: LogPosition | null, limit: number | undefined) =>
    read(
      `with page as materialized (
         select l.*, lag(l.position, 1, $1::bigint) over w as prev_position,
                lag(l.writer_xid, 1, coalesce((select c.writer_xid from ${t.log} c where c.position = $1::bigint), '0'::xid8)) over w as prev_xid
           from (select * from ${t.log} l where l.position > $1::bigint order by l.position limit $2) l
         window w as (order by l.position)
       ),
       cut as (
         select min(p.position) as at from page p
          where p.position <> p.prev_position + 1
            and exists (select 1 from pg_snapshot_xip(pg_current_snapshot()) x where x >= p.prev_xid and x <= p.writer_xid)
       )
       select ${EVENT_COLUMNS} from page l, cut where cut.at is null or l.position < cut.at order by l.position`,
      [(after ?? 0n).toString(), limit ?? null],
    );

  const readPage = exclusive ? readExclusive : readShared;

  /** The general path; on a shared server, a unique key taken by a writer that committed while this one planned means: plan again. */
  async function generalPath(requests: readonly PreparedRequest[]): Promise<AppendResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await executor.transaction((tx) => appendInTransaction(tx, t, requests, exclusive));
      } catch (e) {
        // The single-statement append lets the ordering lock go before its commit: a writer of
        // the same id to another stream can be uncommitted (unseen) while this one plans, and
        // committed by the time its row goes in. Planning again sees it (a replay or a conflict).
        if (exclusive || sqlState(e) !== UNIQUE_VIOLATION || attempt >= 3) throw e;
      }
    }
  }

  async function appendMany(requests: readonly AppendRequest[]): Promise<E.Either<EventLogError, readonly AppendResult[]>> {
    const prepared = prepareRequests(requests);
    if (E.isLeft(prepared)) return prepared;
    if (prepared.right.length === 0) return E.right([]);
    try {
      const guarded = guardedRows(prepared.right);
      if (guarded !== null) {
        const results = await appendAtExpectedHeads(executor, t, prepared.right, guarded, !exclusive);
        if (results !== null) {
          options.afterCommit?.();
          if (!exclusive) options.afterQuietCommit?.();
          return E.right(results);
        }
      }
      const results = await generalPath(prepared.right);
      if (results.some((r) => !r.alreadyAppended)) options.afterCommit?.();
      return E.right(results);
    } catch (e) {
      return E.left(translateSqlError(e, { stream: prepared.right[0]?.stream }));
    }
  }

  return {
    adapter: options.adapter,
    append: async (request) => E.map((results: readonly AppendResult[]) => results[0]!)(await appendMany([request])),
    appendMany,
    readStream: (stream, o = {}) => {
      const params = [stream, (o.fromRevision ?? 0n).toString(), o.limit ?? null];
      const where = `${streamKeySql('l.')} = ${streamKeyOfName('$1::text')} and ${streamNameSql('l.')} = $1::text and l.revision >= $2::bigint`;
      return packs(o.limit)
        ? readPacked(`select * from ${t.log} l where ${where} order by l.revision limit $3`, 'l.revision', params)
        : read(`select ${EVENT_COLUMNS} from ${t.log} l where ${where} order by l.revision limit $3`, params);
    },
    readAll: (o = {}) => readPage(o.after ?? null, o.limit),
    readByIds: (ids) => {
      if (ids.length === 0) return Promise.resolve(E.right([]));
      const wanted = [...new Set(ids)].filter(isEventId);
      const params = [wanted];
      return packs(wanted.length)
        ? readPacked(`select * from ${t.log} l where l.id = any(${idsAsBytes('$1')})`, 'l.position', params)
        : read(`select ${EVENT_COLUMNS} from ${t.log} l where l.id = any(${idsAsBytes('$1')}) order by l.position`, params);
    },
    head: async () => {
      try {
        // Shared server: the last position below which no transaction in progress can still
        // write. A writer in progress with an id below the last row's has its positions (if
        // any) right after the last row written before it began: when that row's successor is
        // missing, the head is that row.
        const rows = await executor.query<{ head: string | null }>(
          exclusive
            ? `select max(position)::text as head from ${t.log}`
            : `with snap as materialized (select pg_current_snapshot() as s),
                    last as materialized (select l.position, l.writer_xid from ${t.log} l order by l.position desc limit 1),
                    blocked as (
                      select coalesce(a.position, 0) as below from snap, last, pg_snapshot_xip(snap.s) x
                        left join lateral (select l.position from ${t.log} l where l.writer_xid < x order by l.position desc limit 1) a on true
                       where x <= last.writer_xid
                         and not exists (select 1 from ${t.log} n where n.position = coalesce(a.position, 0) + 1)
                    )
               select nullif(coalesce((select min(below) from blocked), (select position from last)), 0)::text as head`,
        );
        const head = rows[0]?.head ?? null;
        return E.right(head === null ? null : BigInt(head));
      } catch (e) {
        return E.left(translateSqlError(e, {}));
      }
    },
    count: async () => {
      try {
        const rows = await executor.query<{ n: string }>(`select count(*)::text as n from ${t.log}`);
        return E.right(Number(rows[0]?.n ?? 0));
      } catch (e) {
        return E.left(translateSqlError(e, {}));
      }
    },
    subscribe: (o) => {
      const subscription = pollingSubscription({ readPage, onAppend: options.onAppend, idleMs: options.idlePollMs }, o);
      subscriptions.add(subscription);
      return subscription;
    },
    close: async () => {
      await Promise.all([...subscriptions].map((s) => s.close()));
      await options.close();
    },
  };
}
