// How fast the lineage projection rebuilds from zero, in events/s, on embedded PGlite and (with
// CAIRN_BENCH_PG_URL) Postgres, against a raw bulk insert of the very rows the projection writes
// (the same nodes, edges and states, loaded as the projection loads them: nodes and edges by COPY
// FROM STDIN, states by INSERT ... SELECT FROM unnest, one transaction per chunk) into the same
// database in the same run. The ratio is what the runner costs on top of the writes themselves:
// reading the log, decoding every envelope, turning events into facts, the checkpoint
// compare-and-set and the log-time rows.
//
// The log is the in-memory adapter, filled once before timing, so the figures are the projection
// side of a rebuild; the log's read speed is the `append`/log groups' business.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInMemoryEventLog, type RecordedEvent } from '@cairn/eventlog';
import { decodeEvent } from '@cairn/schemas';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  appendRequestFor,
  copyField,
  createProjectionRunner,
  openProjectionStore,
  syntheticLineageLog,
  type ProjectedEvent,
  type ProjectionStore,
} from '@cairn/projector';
import { lineageFacts, lineageProjection, type LineageFacts } from '@cairn/lineage';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'rebuild';
const EVENTS = Number(process.env.CAIRN_BENCH_REBUILD_EVENTS ?? 200_000);
// PGlite is single-threaded WebAssembly: 200k events there take over a minute on 2 cores, past the
// group's time budget, so its figure is for a prefix (same mix) unless told otherwise.
const PGLITE_EVENTS = Math.min(EVENTS, Number(process.env.CAIRN_BENCH_REBUILD_PGLITE_EVENTS ?? 50_000));
const BATCH = 5_000;

async function fillLog(ctx: BenchContext) {
  const log = createInMemoryEventLog();
  const synthetic = syntheticLineageLog('bench');
  for (let from = 0; from < EVENTS; from += BATCH) {
    const requests = [];
    for (let i = from; i < Math.min(EVENTS, from + BATCH); i++) requests.push(appendRequestFor(synthetic.event(i)));
    const r = await log.appendMany(requests);
    if (r._tag === 'Left') throw new Error(`rebuild bench: append failed: ${JSON.stringify(r.left)}`);
  }
  const all = await log.readAll({});
  if (all._tag === 'Left') throw new Error('rebuild bench: read failed');
  ctx.log(`log of ${all.right.length} events (mix per 20: 10 samples, 5 labels, 3 validations, 1 amendment, 1 deprecation/asset)`);
  return { log, recorded: all.right };
}

function factsInChunks(recorded: readonly RecordedEvent[]): LineageFacts[] {
  const chunks: LineageFacts[] = [];
  for (let from = 0; from < recorded.length; from += BATCH) {
    const facts: LineageFacts = { nodes: [], edges: [], states: [] };
    for (const r of recorded.slice(from, from + BATCH)) {
      const event = {
        position: r.position,
        recordedAt: r.recordedAt,
        stream: r.stream,
        id: r.id,
        event: r.data,
      } as unknown as ProjectedEvent;
      lineageFacts(event, facts);
    }
    chunks.push(facts);
  }
  return chunks;
}

/** A plain query function straight on the driver: the baseline bypasses Kysely and the runner. */
type Exec = (text: string, params?: unknown[]) => Promise<unknown>;
/** `copy t (...) from stdin` with these rows (COPY text), straight on the driver. */
type Copy = (statement: string, rows: string) => Promise<unknown>;

function pgCopy(client: pg.ClientBase): Copy {
  return (statement, rows) =>
    new Promise((resolve, reject) => {
      const stream = client.query(copyFrom(statement));
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(rows);
    });
}

function pgliteCopy(pglite: PGlite): Copy {
  return (statement, rows) => pglite.query(statement.replace(/stdin$/, `'/dev/blob'`), [], { blob: new Blob([rows]) });
}

// The projection's own layout (projections/lineage/src/tables.ts), loaded the way the projection
// loads it from zero: without the keys and indexes its apply never reads (nodes' and edges' keys,
// the edges' to-index), each built once, sorted, at the end — the pg_restore way, and the timing
// includes those builds. The states' key stays, as it does for the projection, and commits do not
// wait for the WAL flush, as the projection's bulk-load batches do not.
const RAW_TABLES = `
  create table raw_nodes (node_id text not null, kind text not null, label text not null, event_id text not null, position bigint not null);
  create table raw_edges (edge_type text not null, from_id text not null, to_id text not null, event_id text not null, position bigint not null,
    recorded_at timestamptz not null);
  create table raw_states (node_id text not null, state text not null, reason text, event_id text not null,
    valid_from bigint not null, valid_to bigint, primary key (node_id, valid_from, state))`;

const RAW_INDEXES = `
  alter table raw_nodes add primary key (node_id);
  alter table raw_edges add primary key (from_id, edge_type, to_id, event_id);
  create index raw_edges_to on raw_edges (to_id, edge_type) with (deduplicate_items = off)`;

/** Seconds to bulk-insert the same rows (same columns, keys and indexes) into raw_* tables of the same database. */
async function rawInsert(exec: Exec, copy: Copy, chunks: readonly LineageFacts[]): Promise<number> {
  await exec('drop table if exists raw_nodes, raw_edges, raw_states');
  for (const statement of RAW_TABLES.split(';')) await exec(statement);
  const t0 = performance.now();
  for (const { nodes, edges, states } of chunks) {
    await exec('begin');
    await exec('set local synchronous_commit = off');
    // Nodes are stated once each in this log, so a plain COPY gives the projection's rows.
    await copy(
      'copy raw_nodes (node_id, kind, label, event_id, position) from stdin',
      nodes
        .map((n) => `${copyField(n.id)}\t${copyField(n.kind)}\t${copyField(n.label)}\t${copyField(n.eventId)}\t${n.position}\n`)
        .join(''),
    );
    await copy(
      'copy raw_edges (edge_type, from_id, to_id, event_id, position, recorded_at) from stdin',
      edges
        .map(
          (e) =>
            `${copyField(e.type)}\t${copyField(e.from)}\t${copyField(e.to)}\t${copyField(e.eventId)}\t${e.position}\t${e.recordedAt.toISOString()}\n`,
        )
        .join(''),
    );
    if (states.length > 0) {
      await exec(
        `insert into raw_states select n, st, r, e, v, null from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) as u(n, st, r, e, v) on conflict do nothing`,
        [
          states.map((x) => x.nodeId),
          states.map((x) => x.state),
          states.map((x) => x.reason),
          states.map((x) => x.eventId),
          states.map((x) => x.position.toString()),
        ],
      );
    }
    await exec('commit');
  }
  for (const statement of RAW_INDEXES.split(';')) await exec(statement);
  const seconds = (performance.now() - t0) / 1000;
  await exec('drop table raw_nodes, raw_edges, raw_states');
  return seconds;
}

async function measure(
  ctx: BenchContext,
  label: string,
  target: { store: ProjectionStore; exec: Exec; copy: Copy },
  source: { log: ReturnType<typeof createInMemoryEventLog>; recorded: readonly RecordedEvent[]; chunks: readonly LineageFacts[] },
  events: number,
): Promise<BenchResult[]> {
  const { store, exec, copy } = target;
  const { log, recorded, chunks } = source;
  ctx.log(`${label}: raw bulk insert of the projection's rows (${events} events)`);
  const rawSeconds = await rawInsert(exec, copy, chunks.slice(0, Math.ceil(events / BATCH)));
  const rawRate = events / rawSeconds;
  ctx.log(`${label}: lineage rebuild from zero (batches of ${BATCH})`);
  const runner = createProjectionRunner({ log, store, projections: [lineageProjection], batchSize: BATCH });
  const t0 = performance.now();
  const rebuilt = await runner.rebuild('lineage', { to: recorded[events - 1]!.position });
  const seconds = (performance.now() - t0) / 1000;
  if (rebuilt._tag === 'Left') throw new Error(`rebuild bench: ${rebuilt.left.message}`);
  if (rebuilt.right.events !== events) throw new Error(`rebuild bench: applied ${rebuilt.right.events} of ${events} events`);
  return [
    row(GROUP, `lineage rebuild, ${events} events, ${label}`, events / seconds, 'events/s', rawRate),
    row(GROUP, `raw bulk insert of the same rows, ${label}`, rawRate, 'events/s'),
  ];
}

async function run(ctx: BenchContext): Promise<readonly BenchResult[]> {
  const { log, recorded } = await fillLog(ctx);
  const chunks = factsInChunks(recorded);
  const results: BenchResult[] = [];

  const t0 = performance.now();
  for (const r of recorded) if (decodeEvent(r.data)._tag === 'Left') throw new Error(`rebuild bench: event ${r.id} does not decode`);
  results.push(row(GROUP, 'decode envelopes only (part of every rebuild)', EVENTS / ((performance.now() - t0) / 1000), 'events/s'));

  const dir = mkdtempSync(path.join(tmpdir(), 'cairn-bench-rebuild-'));
  try {
    const pglite = await PGlite.create({ dataDir: path.join(dir, 'projections') });
    const store = await openProjectionStore({ pglite });
    try {
      results.push(
        ...(await measure(
          ctx,
          'embedded PGlite',
          { store, exec: (text, params) => pglite.query(text, params), copy: pgliteCopy(pglite) },
          { log, recorded, chunks },
          PGLITE_EVENTS,
        )),
      );
    } finally {
      await store.close();
      await pglite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  if (ctx.pgUrl) {
    const schema = `bench_rebuild_${process.pid}`;
    const pool = new pg.Pool({ connectionString: ctx.pgUrl, max: 2 });
    const raw = await pool.connect();
    try {
      await raw.query(`create schema if not exists ${schema}`);
      await raw.query(`set search_path to ${schema}`);
      const store = await openProjectionStore({ pool, schema });
      try {
        results.push(
          ...(await measure(
            ctx,
            'Postgres',
            { store, exec: (text, params) => raw.query(text, params), copy: pgCopy(raw) },
            { log, recorded, chunks },
            EVENTS,
          )),
        );
      } finally {
        await store.close();
      }
      await raw.query(`drop schema if exists ${schema} cascade`);
    } finally {
      raw.release();
      await pool.end();
    }
  }
  return results;
}

const group: BenchGroup = {
  group: GROUP,
  description: `lineage projection rebuild rate (${EVENTS} events on Postgres, ${PGLITE_EVENTS} on PGlite; log in memory) vs a raw bulk insert of the same rows`,
  run,
};
export default group;
