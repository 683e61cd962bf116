// Where projection tables live. One Kysely over either an embedded PGlite (no server) or a
// Postgres server through `pg`; projections and the runner see the same Kysely either way.
//
// Embedded layout: the SDK keeps its log at <dir>/log (openEmbeddedEventLog) and the projections
// in a second PGlite at <dir>/projections. Two data dirs rather than two schemas in one database
// because PGlite is a single session: sharing it would make every log append wait behind a long
// projection batch (and vice versa), and a rebuild can drop the projections' data dir without
// touching the log, which is the one thing that must never be lost.
//
// An embedded store's PGlite runs on a worker thread of its own by default (as the log's does), so
// a server's HTTP work, or a reader's decoding, goes on while Postgres plans and reads: on the
// caller's thread every statement blocked its event loop from start to end, and a request that
// arrived meanwhile waited for every statement queued before it to finish.
//
// A data directory is PGlite's alone, one process at a time: it is locked (as the log's is)
// before PGlite opens it and released after PGlite closed. The projections are not flushed to
// disk per batch as the log is: they are rebuilt from the log, and a power cut that loses their
// tail loses the checkpoint with it (one transaction), so the runner re-applies those events.
import { EMBEDDED_INITDB_PARAMS, lockFileOf, lockFolder, openPGliteThread, type FolderLockOptions } from '@cairn/eventlog';
import { PGlite } from '@electric-sql/pglite';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { CompiledQuery, Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import type { SomeProjectionsDatabase } from './db.js';
import { copyFromStdin } from './copy.js';
import { pglitePool, sessionOnThisThread, sessionOnWorker, type PGliteSession } from './pglite-dialect.js';

export type ProjectionStoreOptions =
  /** An open PGlite owned by the caller (not closed by close()). */
  | { readonly pglite: PGlite; readonly schema?: string }
  /**
   * A PGlite data directory, opened (and closed) by the store. While another process holds it,
   * this waits (lock.timeoutMs, default 10 s) and then rejects with FolderInUse.
   */
  | {
      readonly dataDir: string;
      readonly schema?: string;
      readonly lock?: FolderLockOptions;
      /**
       * Where PGlite runs: on a worker thread of its own ('worker', the default: the caller's
       * event loop stays free while a statement runs), or on the caller's thread ('caller': no
       * thread hop per statement).
       */
      readonly thread?: 'worker' | 'caller';
    }
  | { readonly connectionString: string; readonly schema?: string; readonly maxConnections?: number }
  /** A pg Pool (or anything shaped like one) owned by the caller (not ended by close()). */
  | { readonly pool: PostgresPool; readonly schema?: string };

/** TDB: the tables read through `db`; by default those of several projections (see db.ts). */
export interface ProjectionStore<TDB = SomeProjectionsDatabase> {
  readonly db: Kysely<TDB>;
  readonly kind: 'pglite' | 'postgres';
  /** The schema projection tables are created in (null: the connection's search_path). */
  readonly schema: string | null;
  close(): Promise<void>;
}

const PG_INT8 = 20;

/**
 * The embedded projections' Postgres: PGlite's own parameters, with the WAL kept small. A
 * catch-up or rebuild writes WAL for every row, and with Postgres's defaults (max_wal_size 1GB,
 * retired segments kept as spares) a closed store kept more WAL than tables. Here a checkpoint
 * comes every 128MB of WAL, and a checkpoint removes the segments it retires. The tables are
 * derived from the log (a rebuild makes them again), and a commit is as durable as before
 * against a killed process: checkpoints write pages, they never drop a commit. A new folder is
 * made as the log's is (EMBEDDED_INITDB_PARAMS: 1MB segments), so a closed one keeps about 1MB
 * of WAL rather than a 16MB segment or two.
 */
const PROJECTIONS_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  'wal_recycle=off',
  '-c',
  'max_wal_size=128MB',
  '-c',
  'min_wal_size=32MB',
];
const SAFE_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes a schema name after checking it is a plain lowercase identifier. */
export function quoteSchema(schema: string): string {
  if (!SAFE_SCHEMA.test(schema)) {
    throw new Error(`schema: expected a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 chars), got ${JSON.stringify(schema)}`);
  }
  return `"${schema}"`;
}

export async function openProjectionStore<TDB = SomeProjectionsDatabase>(options: ProjectionStoreOptions): Promise<ProjectionStore<TDB>> {
  const schema = options.schema ?? null;
  const setup = schema === null ? [] : [`create schema if not exists ${quoteSchema(schema)}`];
  const onCreate = schema === null ? [] : [`set search_path to ${quoteSchema(schema)}`];

  if ('pglite' in options) {
    await options.pglite.query(`select 1`); // surfaces a closed instance now, not mid-batch
    return pgliteStore<TDB>(sessionOnThisThread(options.pglite), { owned: false, schema, statements: [...setup, ...onCreate] });
  }
  if ('dataDir' in options) {
    await mkdir(path.dirname(path.resolve(options.dataDir)), { recursive: true });
    const lock = await lockFolder(options.dataDir, lockFileOf(options.dataDir), options.lock);
    try {
      const session = await openSession(options.dataDir, options.thread ?? 'worker');
      const store = await pgliteStore<TDB>(session, { owned: true, schema, statements: [...setup, ...onCreate] }).catch(
        async (e: unknown) => {
          await session.close();
          throw e;
        },
      );
      return {
        ...store,
        close: async () => {
          try {
            await store.close();
          } finally {
            await lock.release();
          }
        },
      };
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  const owned = 'connectionString' in options;
  // pg loads only for a Postgres store: an embedded one (every CLI query on a folder) never needs it.
  const pool: PostgresPool =
    'connectionString' in options
      ? new (await import('pg')).default.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 })
      : options.pool;
  if (setup.length > 0) {
    const client = await pool.connect();
    try {
      for (const statement of setup) await client.query(statement, []);
    } finally {
      client.release();
    }
  }
  const dialect = new PostgresDialect({
    // A caller's pool must survive close(), so kysely gets a wrapper whose end() is a no-op.
    pool: copyingPool(pool, owned ? () => pool.end() : async () => undefined),
    onCreateConnection: async (connection) => {
      for (const statement of onCreate) await connection.executeQuery(CompiledQuery.raw(statement));
    },
  });
  const db = new Kysely<TDB>({ dialect });
  return { db, kind: 'postgres', schema, close: () => db.destroy() };
}

/** The embedded projections' PGlite on a data directory, int8 as text (as pg gives it, see positions.ts). */
async function openSession(dataDir: string, thread: 'worker' | 'caller'): Promise<PGliteSession> {
  if (thread === 'worker')
    return sessionOnWorker(
      await openPGliteThread({ dataDir, startParams: PROJECTIONS_START_PARAMS, int8AsText: true, label: "the embedded projections'" }),
    );
  return sessionOnThisThread(
    await PGlite.create({
      dataDir,
      parsers: { [PG_INT8]: (x: string) => x },
      startParams: [...PROJECTIONS_START_PARAMS],
      initDbStartParams: [...EMBEDDED_INITDB_PARAMS],
    }),
  );
}

async function pgliteStore<TDB>(
  session: PGliteSession,
  settings: { readonly owned: boolean; readonly schema: string | null; readonly statements: readonly string[] },
): Promise<ProjectionStore<TDB>> {
  for (const statement of settings.statements) await session.query(statement, []);
  const pool = pglitePool(session, { closeOnEnd: settings.owned });
  const db = new Kysely<TDB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'pglite', schema: settings.schema, close: () => db.destroy() };
}

/**
 * The pool kysely gets: its clients send copyRows statements (see copy.ts) as COPY FROM STDIN, and
 * everything else as it is. One wrapper per client, as kysely keeps its connection (and runs
 * onCreateConnection) per client object.
 */
function copyingPool(pool: PostgresPool, end: () => Promise<void>): PostgresPool {
  const wrappers = new WeakMap<PostgresPoolClient, PostgresPoolClient>();
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = copyingClient(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end,
  };
}

function copyingClient(client: PostgresPoolClient): PostgresPoolClient {
  const query = (text: unknown, parameters?: readonly unknown[]): unknown => {
    const rows = typeof text === 'string' ? copyFromStdin(text, parameters) : undefined;
    if (rows === undefined) return (client.query as (text: unknown, parameters?: readonly unknown[]) => unknown)(text, parameters);
    return copyIn(client as unknown as pg.ClientBase, text as string, rows);
  };
  return { query: query as PostgresPoolClient['query'], release: () => client.release() };
}

async function copyIn(
  client: pg.ClientBase,
  statement: string,
  rows: string,
): Promise<{ command: 'COPY'; rowCount: number; rows: never[] }> {
  const { from: copyFrom } = await import('pg-copy-streams');
  const stream = client.query(copyFrom(statement));
  stream.end(rows);
  // Settles when the server has taken every row (or refused them: the error is the server's).
  await finished(stream);
  return { command: 'COPY', rowCount: stream.rowCount, rows: [] };
}
