// `append`: events/s through the EventLog adapters against a raw multi-row INSERT of the same
// rows into the same database (same PGlite instance, same Postgres server) as the baseline.
// The realistic shape is bulk ingest: appendMany of many `cf-<id>` streams with "no stream".
// An embedded append is acknowledged only once its WAL is on disk and the raw INSERT is not
// flushed, so the embedded rows include the price of durability; the concurrent shape shows how
// much of it group commit (appends that commit during a flush share the next one) takes back.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openEmbeddedEventLogWithSql, openPostgresEventLog, ExpectedRevision, type AppendRequest, type EventLog } from '@cairn/eventlog';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';
import { embeddedVsEmmettSqlite, postgresVsEmmett } from '../emmett-baseline.js';

const GROUP = 'append';
let serial = 0;

/** One CF-shaped envelope (~350 bytes of canonical JSON), on its own `cf-<id>` stream. */
function cfRequest(): AppendRequest {
  const n = serial++;
  const id = createHash('sha256').update(`bench/${process.pid}/${Date.now()}/${n}`).digest('hex');
  const data = {
    type: 'SampleContributed',
    payload: { contentHash: id, mediaType: 'text/plain', size: 1000 + n, license: 'CC-BY-4.0', source: `https://example.org/${n}` },
    signer: 'c'.repeat(64),
    signature: 'd'.repeat(128),
  };
  return { stream: `cf-${id}`, events: [{ id, type: 'SampleContributed', data }], expectedRevision: ExpectedRevision.noStream };
}

type Query = (text: string, params?: readonly unknown[]) => Promise<unknown>;

/**
 * A stream name as the log stores it (eventlog's schema.ts): a `<kind>-<id>` name ending in its
 * event's id by its `<kind>-` alone, marked suffixed; any other name whole. The baseline writes
 * rows of the same size and the same key entries as the log's, or its ratio would credit the log
 * with the bytes it no longer writes.
 */
export function storedStream(stream: string, id: string): { stream: string; suffixed: boolean } {
  const suffixed = stream.length > 64 && stream.endsWith(id);
  return { stream: suffixed ? stream.slice(0, -64) : stream, suffixed };
}

/** The baseline: the same rows, one multi-row INSERT per batch, into a copy of the log table without its triggers. */
export function rawInsert(query: Query, table: string) {
  return (batch: readonly AppendRequest[]) => {
    const stored = batch.map((r) => storedStream(r.stream, r.events[0]!.id));
    return query(
      `insert into ${table} (id, stream, stream_suffixed, revision, type, data, metadata)
       select decode(u.id, 'hex'), u.stream, u.suffixed, u.revision, u.type, u.data, u.metadata
         from unnest($1::text[], $2::text[], $3::boolean[], $4::bigint[], $5::text[], $6::text[], $7::text[])
           as u(id, stream, suffixed, revision, type, data, metadata)`,
      [
        batch.map((r) => r.events[0]!.id),
        stored.map((s) => s.stream),
        stored.map((s) => s.suffixed),
        batch.map(() => '0'),
        batch.map((r) => r.events[0]!.type),
        batch.map((r) => JSON.stringify(r.events[0]!.data)),
        // The adapter stores an event without metadata as '' (rows.ts).
        batch.map(() => ''),
      ],
    );
  };
}

async function eventsPerSecond(
  total: number,
  batchSize: number,
  write: (batch: readonly AppendRequest[]) => Promise<unknown>,
): Promise<number> {
  const batches = Array.from({ length: Math.ceil(total / batchSize) }, () => Array.from({ length: batchSize }, cfRequest));
  const start = process.hrtime.bigint();
  for (const batch of batches) await write(batch);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return (batches.length * batchSize) / seconds;
}

/** `writers` callers each appending one event at a time, as concurrent SDK users do. */
async function concurrentEventsPerSecond(
  total: number,
  writers: number,
  write: (batch: readonly AppendRequest[]) => Promise<unknown>,
): Promise<number> {
  const requests = Array.from({ length: total }, cfRequest);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < requests.length) await write([requests[next++]!]);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return total / seconds;
}

function adapterWrite(log: EventLog) {
  return async (batch: readonly AppendRequest[]) => {
    const result = batch.length === 1 ? await log.append(batch[0]!) : await log.appendMany(batch);
    if (result._tag === 'Left') throw new Error(`append failed: ${result.left._tag}`);
  };
}

const SHAPES: readonly { name: string; batch: number; total: { pglite: number; postgres: number } }[] = [
  { name: 'single event', batch: 1, total: { pglite: 400, postgres: 1000 } },
  { name: 'batch of 100', batch: 100, total: { pglite: 5000, postgres: 20000 } },
  { name: 'batch of 1000', batch: 1000, total: { pglite: 10000, postgres: 30000 } },
];

const CONCURRENT = { pglite: { writers: 16, total: 800 }, postgres: { writers: 16, total: 2000 } } as const;

async function measure(
  ctx: BenchContext,
  adapter: 'pglite' | 'postgres',
  log: EventLog,
  query: Query,
  tables: { log: string; raw: string },
): Promise<BenchResult[]> {
  const table = tables.raw;
  const rows: BenchResult[] = [];
  // Warm-up (plans, caches) before any figure is taken.
  await eventsPerSecond(200, 100, adapterWrite(log));
  await eventsPerSecond(200, 100, rawInsert(query, table));
  for (const shape of SHAPES) {
    const total = shape.total[adapter];
    const raw = await eventsPerSecond(total, shape.batch, rawInsert(query, table));
    const viaLog = await eventsPerSecond(total, shape.batch, adapterWrite(log));
    ctx.log(`${adapter} ${shape.name}: log ${viaLog.toFixed(0)} ev/s, raw INSERT ${raw.toFixed(0)} ev/s`);
    rows.push(row(GROUP, `${adapter} ${shape.name} (vs raw INSERT)`, viaLog, 'events/s', raw));
  }
  const concurrent = CONCURRENT[adapter];
  const raw = await concurrentEventsPerSecond(concurrent.total, concurrent.writers, rawInsert(query, table));
  const viaLog = await concurrentEventsPerSecond(concurrent.total, concurrent.writers, adapterWrite(log));
  ctx.log(`${adapter} ${concurrent.writers} concurrent single events: log ${viaLog.toFixed(0)} ev/s, raw INSERT ${raw.toFixed(0)} ev/s`);
  rows.push(row(GROUP, `${adapter} ${concurrent.writers} concurrent single events (vs raw INSERT)`, viaLog, 'events/s', raw));
  // Both tables now hold the same number of rows: their sizes tell whether the baseline wrote rows like the log's.
  const [sizes] = (await query(
    `select pg_total_relation_size($1::regclass)::text as log, pg_total_relation_size($2::regclass)::text as raw`,
    [tables.log, tables.raw],
  )) as { log: string; raw: string }[];
  ctx.log(`${adapter} table bytes, indexes included: log ${sizes!.log}, raw INSERT ${sizes!.raw}`);
  return rows;
}

async function embedded(ctx: BenchContext): Promise<BenchResult[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cairn-bench-append-'));
  try {
    const { log, query } = await openEmbeddedEventLogWithSql({ dataDir });
    await query('create table bench_raw (like cairn_log including all)');
    const rows = await measure(ctx, 'pglite', log, query, { log: 'cairn_log', raw: 'bench_raw' });
    await log.close();
    rows.push(...(await embeddedVsEmmettSqlite(ctx)));
    return rows;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The ordering lock's price with 4 concurrent writers: raw batches with vs without it. */
async function orderingCost(ctx: BenchContext, pool: pg.Pool, schema: string): Promise<BenchResult> {
  const run = async (withLock: boolean) =>
    eventsPerSecond(4 * 4000, 4 * 100, async (batch) => {
      await Promise.all(
        [0, 1, 2, 3].map(async (w) => {
          const client = await pool.connect();
          try {
            await client.query('begin');
            if (withLock) await client.query(`select pg_advisory_xact_lock(1128352082, hashtext($1))`, [`${schema}.bench_lock`]);
            await rawInsert((t, p) => client.query(t, p as unknown[]), `"${schema}".bench_raw`)(batch.slice(w * 100, (w + 1) * 100));
            await client.query('commit');
          } finally {
            client.release();
          }
        }),
      );
    });
  const without = await run(false);
  const locked = await run(true);
  ctx.log(`postgres 4 writers x batch of 100: ${locked.toFixed(0)} ev/s with the ordering lock, ${without.toFixed(0)} without`);
  return row(GROUP, 'postgres 4 writers, ordering lock (vs none)', locked, 'events/s', without);
}

async function postgres(ctx: BenchContext, url: string): Promise<BenchResult[]> {
  const schema = `bench_append_${process.pid}`;
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  try {
    await pool.query(`create schema "${schema}"`);
    const log = await openPostgresEventLog({ connectionString: url }, { schema });
    await pool.query(`create table "${schema}".bench_raw (like "${schema}".cairn_log including all)`);
    const rows = await measure(ctx, 'postgres', log, async (t, p) => (await pool.query(t, p as unknown[])).rows, {
      log: `"${schema}".cairn_log`,
      raw: `"${schema}".bench_raw`,
    });
    await log.close();
    rows.push(await orderingCost(ctx, pool, schema));
    rows.push(...(await postgresVsEmmett(ctx, url)));
    return rows;
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await pool.end();
  }
}

const group: BenchGroup = {
  group: GROUP,
  description:
    'EventLog append throughput (embedded PGlite, Postgres) against a raw multi-row INSERT of the same rows, and the log against Emmett (Postgres; SQLite when CAIRN_BENCH_EMMETT_SQLITE names a folder holding it)',
  run: async (ctx) => [...(await embedded(ctx)), ...(ctx.pgUrl ? await postgres(ctx, ctx.pgUrl) : [])],
};

export default group;
