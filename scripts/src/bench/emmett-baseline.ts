// Cairn's log beside Emmett (the best-known Node event store on Postgres), shape by shape, in
// alternating rounds so both sides see the same load: each row is Cairn's figure with Emmett's
// as its baseline. Emmett is a dev dependency of the bench only. Its tables go to a schema of
// their own (search_path), dropped afterwards.
//
// Embedded, the baseline is Emmett on SQLite, which cannot be a dependency of this workspace:
// the registry serves @event-driven-io/emmett-sqlite 0.42.4 but not the @event-driven-io/emmett
// 0.42.4 it needs, and 0.38.5 wants @event-driven-io/emmett 0.38.5 exactly as a peer, beside the
// 0.42 that emmett-postgresql needs (npm: ERESOLVE). It is loaded from a folder of its own named
// by CAIRN_BENCH_EMMETT_SQLITE (npm install @event-driven-io/emmett-sqlite@0.38.5
// @event-driven-io/emmett@0.38.5 there); without it the embedded rows say why they are missing.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { dumbo } from '@event-driven-io/dumbo';
import { getPostgreSQLEventStore, readMessagesBatch, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { ExpectedRevision, openEmbeddedEventLog, openPostgresEventLog, type EventLog, type NewEvent } from '@cairn/eventlog';
import { row, type BenchContext, type BenchResult } from './types.js';

const GROUP = 'append';
const ROUNDS = 3;
const READ_PAGE = 1000;
let serial = 0;

/** One CF-shaped event of about 440 bytes of JSON. */
function event(): NewEvent {
  const n = serial++;
  const id = createHash('sha256').update(`emmett-bench/${process.pid}/${Date.now()}/${n}`).digest('hex');
  const data = {
    type: 'SampleContributed',
    payload: { contentHash: id, mediaType: 'text/plain', size: 1000 + n, license: 'CC-BY-4.0', source: `https://example.org/samples/${n}` },
    signer: 'c'.repeat(64),
    signature: 'd'.repeat(128),
  };
  return { id, type: 'SampleContributed', data };
}

/** The two stores as the shapes drive them; every call appends or reads through the store's public API. */
interface Side {
  /** Appends events to a stream that does not exist yet. */
  appendNew(stream: string, events: readonly NewEvent[]): Promise<void>;
  /** Appends events to a stream whose last event has the given 0-based revision. */
  appendAt(stream: string, events: readonly NewEvent[], lastRevision: bigint): Promise<void>;
  /** Reads the whole log in global order, page by page; answers the number of events read; absent: not compared. */
  readAll?(): Promise<number>;
}

function cairnSide(log: EventLog): Side {
  const ok = (r: { _tag: string; left?: { _tag: string } }) => {
    if (r._tag === 'Left') throw new Error(`cairn append failed: ${r.left?._tag}`);
  };
  return {
    appendNew: async (stream, events) => ok(await log.append({ stream, events, expectedRevision: ExpectedRevision.noStream })),
    appendAt: async (stream, events, lastRevision) =>
      ok(await log.append({ stream, events, expectedRevision: ExpectedRevision.exact(lastRevision) })),
    readAll: async () => {
      let after: bigint | null = null;
      let n = 0;
      for (;;) {
        const page = await log.readAll({ after, limit: READ_PAGE });
        if (page._tag === 'Left') throw new Error(`cairn read failed: ${page.left._tag}`);
        n += page.right.length;
        if (page.right.length < READ_PAGE) return n;
        after = page.right[page.right.length - 1]!.position;
      }
    },
  };
}

function emmettSide(store: PostgresEventStore, execute: ReturnType<typeof dumbo>['execute']): Side {
  const toEmmett = (events: readonly NewEvent[]) => events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
  return {
    appendNew: async (stream, events) => {
      await store.appendToStream(stream, toEmmett(events), { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' });
    },
    // Emmett counts a stream's version from 1: the version after its last event is revision + 1.
    appendAt: async (stream, events, lastRevision) => {
      await store.appendToStream(stream, toEmmett(events), { expectedStreamVersion: lastRevision + 1n });
    },
    readAll: async () => {
      let after = 0n;
      let n = 0;
      for (;;) {
        const page = await readMessagesBatch(execute, { after, batchSize: READ_PAGE });
        n += page.messages.length;
        if (page.messages.length < READ_PAGE) return n;
        after = page.currentGlobalPosition;
      }
    },
  };
}

interface Shape {
  readonly name: string;
  readonly unit: string;
  /** One timed run on one side: how many units (events) it did. */
  run(side: Side, label: string): Promise<number>;
}

let streams = 0;
const newStream = (label: string) => `bench-${label}-${process.pid}-${streams++}`;

const SHAPES: readonly Shape[] = [
  {
    name: 'single event to a new stream',
    unit: 'events/s',
    run: async (side, label) => {
      for (let i = 0; i < 300; i++) await side.appendNew(newStream(label), [event()]);
      return 300;
    },
  },
  {
    name: 'batch of 100 to a new stream',
    unit: 'events/s',
    run: async (side, label) => {
      for (let i = 0; i < 20; i++) await side.appendNew(newStream(label), Array.from({ length: 100 }, event));
      return 2000;
    },
  },
  {
    name: '100 events to an existing stream, exact revision',
    unit: 'events/s',
    run: async (side, label) => {
      const stream = newStream(label);
      await side.appendNew(stream, [event()]);
      for (let i = 0; i < 20; i++) await side.appendAt(stream, Array.from({ length: 100 }, event), BigInt(i * 100));
      return 2000;
    },
  },
  {
    name: '8 concurrent writers, single events to new streams',
    unit: 'events/s',
    run: async (side, label) => {
      let left = 800;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (left-- > 0) await side.appendNew(newStream(label), [event()]);
        }),
      );
      return 800;
    },
  },
  {
    name: 'read in global order',
    unit: 'events/s',
    run: (side) => {
      if (!side.readAll) throw new Error('this side does not read');
      return side.readAll();
    },
  },
];

/**
 * Embedded: the append shapes of one writer. Concurrent appends to Emmett's SQLite store (0.38,
 * on a database file) fail (SQLITE_BUSY: database is locked, then SQLITE_MISUSE: database handle
 * is closed), so the 8-writer shape has no baseline there; its reader is not compared either.
 */
const EMBEDDED_SHAPES = SHAPES.filter((s) => s.name !== 'read in global order' && !s.name.startsWith('8 concurrent'));

async function timed(run: () => Promise<number>): Promise<number> {
  const start = process.hrtime.bigint();
  const units = await run();
  return units / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The shapes on two sides in alternating rounds (Cairn first, then Emmett, ROUNDS times); medians. */
async function compare(
  ctx: BenchContext,
  store: string,
  cairn: Side,
  emmett: Side,
  shapes: readonly Shape[] = SHAPES,
  baseline = 'Emmett',
): Promise<BenchResult[]> {
  // Warm-up: plans, caches, and both logs holding the same kind of history before any figure.
  for (const side of [cairn, emmett]) for (const shape of SHAPES.slice(0, 3)) await shape.run(side, 'warm');
  const rows: BenchResult[] = [];
  for (const shape of shapes) {
    const figures = { cairn: [] as number[], emmett: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      figures.cairn.push(await timed(() => shape.run(cairn, 'cairn')));
      figures.emmett.push(await timed(() => shape.run(emmett, 'emmett')));
    }
    const [c, e] = [median(figures.cairn), median(figures.emmett)];
    ctx.log(`${store} ${shape.name}: cairn ${c.toFixed(0)} ${shape.unit}, emmett ${e.toFixed(0)} (ratio ${(c / e).toFixed(2)})`);
    rows.push(row(GROUP, `${store} ${shape.name} (vs ${baseline})`, c, shape.unit, e));
  }
  return rows;
}

/** A fresh Cairn Postgres log against Emmett's Postgres event store on the same server, each in a schema of its own. */
export async function postgresVsEmmett(ctx: BenchContext, url: string): Promise<BenchResult[]> {
  const schema = `bench_emmett_${process.pid}`;
  const cairnSchema = `bench_cairn_${process.pid}`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`create schema "${schema}"`);
  await admin.query(`create schema "${cairnSchema}"`);
  const log = await openPostgresEventLog({ connectionString: url }, { schema: cairnSchema });
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  const store = getPostgreSQLEventStore(scoped.toString(), { schema: { autoMigration: 'CreateOrUpdate' } });
  const reader = dumbo({ connectionString: scoped.toString() });
  try {
    await store.schema.migrate();
    return await compare(ctx, 'postgres', cairnSide(log), emmettSide(store, reader.execute));
  } finally {
    await reader.close();
    await store.close();
    await log.close();
    await admin.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await admin.query(`drop schema if exists "${cairnSchema}" cascade`).catch(() => undefined);
    await admin.end();
  }
}

/** The slice of Emmett's SQLite event store (0.38) the shapes drive. */
interface EmmettSqliteStore {
  appendToStream(
    stream: string,
    events: { type: string; data: Record<string, unknown> }[],
    options?: { expectedStreamVersion?: unknown },
  ): Promise<unknown>;
  close?(): Promise<void>;
}
interface EmmettSqliteModule {
  getSQLiteEventStore(options: { fileName: string; schema?: { autoMigration?: 'None' | 'CreateOrUpdate' } }): EmmettSqliteStore;
}

/** Emmett on SQLite from the folder CAIRN_BENCH_EMMETT_SQLITE names, or why it is not there. */
async function loadEmmettSqlite(): Promise<EmmettSqliteModule | string> {
  const dir = process.env.CAIRN_BENCH_EMMETT_SQLITE;
  if (!dir) return 'CAIRN_BENCH_EMMETT_SQLITE is not set (see emmett-baseline.ts for why Emmett on SQLite is not a dependency)';
  try {
    const entry = createRequire(path.join(path.resolve(dir), 'package.json')).resolve('@event-driven-io/emmett-sqlite');
    // The CommonJS entry (what createRequire resolves) loads sqlite3 through require.
    return (await import(pathToFileURL(entry).href)) as EmmettSqliteModule;
  } catch (e) {
    return `@event-driven-io/emmett-sqlite could not be loaded from ${dir}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

/**
 * A fresh embedded Cairn log against Emmett on SQLite, each in a folder of its own. Same
 * durability: Cairn acknowledges an append once its WAL is on disk; Emmett's SQLite runs in WAL
 * mode with synchronous=FULL (SQLite's default), which syncs the WAL at every commit.
 */
export async function embeddedVsEmmettSqlite(ctx: BenchContext): Promise<BenchResult[]> {
  const emmett = await loadEmmettSqlite();
  if (typeof emmett === 'string') {
    ctx.log(`pglite vs Emmett on SQLite: not measured: ${emmett}`);
    return [];
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'cairn-bench-emmett-sqlite-'));
  const log = await openEmbeddedEventLog({ dataDir: path.join(dir, 'cairn') });
  const store = emmett.getSQLiteEventStore({ fileName: path.join(dir, 'emmett.sqlite'), schema: { autoMigration: 'CreateOrUpdate' } });
  const toEmmett = (events: readonly NewEvent[]) => events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
  const emmettSide: Side = {
    appendNew: async (stream, events) => {
      await store.appendToStream(stream, toEmmett(events), { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' });
    },
    appendAt: async (stream, events, lastRevision) => {
      await store.appendToStream(stream, toEmmett(events), { expectedStreamVersion: lastRevision + 1n });
    },
  };
  // Emmett's SQLite store (0.38) at times throws from inside a sqlite3 callback (SQLITE_BUSY:
  // cannot commit transaction - SQL statements in progress), where no promise of its catches
  // it: while it runs, such an exception ends the comparison (said in the run) instead of the bench.
  let onUncaught: (e: unknown) => void = () => undefined;
  const thrown = new Promise<never>((_, reject) => {
    onUncaught = reject;
  });
  process.on('uncaughtException', onUncaught);
  try {
    return await Promise.race([compare(ctx, 'pglite', cairnSide(log), emmettSide, EMBEDDED_SHAPES, 'Emmett on SQLite'), thrown]);
  } catch (e) {
    ctx.log(`pglite vs Emmett on SQLite: not measured: a run failed: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  } finally {
    process.off('uncaughtException', onUncaught);
    await store.close?.();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}
