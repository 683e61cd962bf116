// The embedded log: PGlite (Postgres compiled to WASM) in a local folder, with the same
// migration and SQL as the Postgres adapter. PGlite writes through to the data directory, but
// Postgres's own fsync calls do nothing under emscripten: a committed append is only in the OS
// page cache. So an append resolves only after its WAL reached the disk (./wal-flush.ts, one
// flush shared by the appends that commit meanwhile), and open and close flush the whole
// folder. PGlite is a single-process Postgres: a second process on the same folder would
// corrupt it, so the folder is locked (../lock/folder-lock.ts) from before PGlite opens it until
// after it closed. By default PGlite runs on a worker thread of its own (./worker-executor.ts),
// so the caller's thread is free for the SDK's work while the database writes.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockFolder, type FolderLockOptions } from '../lock/folder-lock.js';
import type { EventLog } from '../port.js';
import type { SqlExecutor } from '../sql/executor.js';
import { logTables, migrateEventLog } from '../sql/schema.js';
import { createSqlEventLog, type PackedReads } from '../sql/sql-event-log.js';
import { appendSignal } from '../subscription.js';
import { createMutex } from './mutex.js';
import { EMBEDDED_INITDB_PARAMS, EMBEDDED_LOG_START_PARAMS } from './start-params.js';
import { createWalFlush, fsyncPath, syncChangedSince, type SyncPath, type WalFlush } from './wal-flush.js';
import { openWorkerExecutor } from './worker-executor.js';

export interface EmbeddedEventLogOptions {
  /** Folder of the database; created if missing. Default './.cairn/log'. `memory://` keeps it in RAM. */
  readonly dataDir?: string;
  /**
   * Where PGlite runs: on a worker thread of its own ('worker', the default: appends overlap
   * with the caller's work), or on the caller's thread ('caller': no thread hop per statement).
   */
  readonly thread?: 'worker' | 'caller';
  /** How long to wait for another process (or open) holding the folder, and what to say meanwhile. */
  readonly lock?: FolderLockOptions;
}

/** Seams for tests; not part of the package's API. */
export interface EmbeddedEventLogInternals {
  /** Flushes one file or directory to disk (default: fsync). */
  readonly sync?: SyncPath;
  /** Stored bytes per packed value of a page read on the worker thread (default: PACKED_CHUNK_BYTES). */
  readonly packedChunkBytes?: number;
  /** The fewest rows a read may return for it to be read packed (default: PACKED_MIN_ROWS). */
  readonly packedMinRows?: number;
}

/** Reads that may return fewer rows than this are read per row (SqlEventLogOptions.packedReads). */
export const PACKED_MIN_ROWS = 100;

/**
 * Stored bytes per value of a packed page: far below Postgres's 1 GB for one value and V8's
 * longest string, large enough that a page of ordinary events is one value.
 */
export const PACKED_CHUNK_BYTES = 32 * 1024 * 1024;

/** The lock file of an embedded data directory: beside it, as PGlite owns everything inside. */
export function lockFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

export const DEFAULT_EMBEDDED_DATA_DIR = './.cairn/log';

function pgliteExecutor(db: PGlite): SqlExecutor {
  const exclusive = createMutex();
  return {
    query: (text, params) => exclusive(async () => (await db.query(text, params as unknown[])).rows as never),
    transaction: (fn) =>
      exclusive(() =>
        db.transaction((tx) => fn({ query: async (text, params) => (await tx.query(text, params as unknown[])).rows as never })),
      ),
  };
}

async function openExecutor(dataDir: string, thread: 'worker' | 'caller'): Promise<{ executor: SqlExecutor; close: () => Promise<void> }> {
  if (thread === 'worker') {
    const executor = await openWorkerExecutor(dataDir);
    return { executor, close: executor.close };
  }
  const db = await PGlite.create(
    dataDir === 'memory://' ? {} : { dataDir, startParams: [...EMBEDDED_LOG_START_PARAMS], initDbStartParams: [...EMBEDDED_INITDB_PARAMS] },
  );
  return { executor: pgliteExecutor(db), close: () => db.close() };
}

/** A plain select writes nothing; any other statement (the append's one-statement insert) may. */
const READ_ONLY = /^\s*select\b/i;

/** Acknowledges a write (a transaction, or a statement that may write) only once its WAL is on disk. */
function durable(executor: SqlExecutor, flush: WalFlush): SqlExecutor {
  const flushed = async <T>(result: T): Promise<T> => {
    try {
      await flush();
    } catch (e) {
      throw new Error(`the embedded log could not flush its commit to disk: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return result;
  };
  const { queryPacked } = executor;
  return {
    query: async <TRow extends object>(text: string, params?: readonly unknown[]) => {
      const rows = await executor.query<TRow>(text, params);
      return READ_ONLY.test(text) ? rows : flushed(rows);
    },
    // A read: nothing to flush.
    ...(queryPacked ? { queryPacked: queryPacked.bind(executor) } : {}),
    transaction: async (fn) => flushed(await executor.transaction(fn)),
  };
}

/**
 * Opens (creating if needed) the embedded log. Only one process may open a data directory: while
 * another holds it this waits (options.lock.timeoutMs), then rejects with FolderInUse.
 */
export async function openEmbeddedEventLog(options: EmbeddedEventLogOptions = {}): Promise<EventLog> {
  return (await openEmbeddedEventLogWithSql(options)).log;
}

/**
 * The log plus a query function on the same PGlite instance (serialised with the log's own
 * use of it), for benchmarks and tests that compare against or inspect the raw tables. Writes
 * through `query` are not flushed to disk: it is the append bench's raw-INSERT baseline.
 */
export async function openEmbeddedEventLogWithSql(
  options: EmbeddedEventLogOptions = {},
  internals: EmbeddedEventLogInternals = {},
): Promise<{ log: EventLog; query: SqlExecutor['query'] }> {
  const dataDir = options.dataDir ?? DEFAULT_EMBEDDED_DATA_DIR;
  const thread = options.thread ?? 'worker';
  const packedReads = { chunkBytes: internals.packedChunkBytes ?? PACKED_CHUNK_BYTES, minRows: internals.packedMinRows ?? PACKED_MIN_ROWS };
  if (dataDir === 'memory://') {
    const { executor, close } = await openExecutor(dataDir, thread);
    return withLog(executor, close, packedReads);
  }
  const sync = internals.sync ?? fsyncPath;
  await mkdir(path.dirname(path.resolve(dataDir)), { recursive: true });
  const lock = await lockFolder(dataDir, lockFileOf(dataDir), options.lock);
  let opened: { executor: SqlExecutor; close: () => Promise<void> } | undefined;
  const since = Date.now();
  try {
    opened = await openExecutor(dataDir, thread);
    // What initdb (a fresh folder) or crash recovery wrote is only in the page cache so far.
    await syncChangedSince(dataDir, since, sync);
    await sync(path.dirname(path.resolve(dataDir)));
    const { close, executor } = opened;
    const withDurableLog = await withLog(
      durable(executor, createWalFlush(dataDir, sync)),
      async () => {
        try {
          await close();
          // The shutdown checkpoint wrote the data files and recycled WAL segments.
          await syncChangedSince(dataDir, since, sync);
        } finally {
          await lock.release();
        }
      },
      packedReads,
    );
    return { log: withDurableLog.log, query: executor.query };
  } catch (e) {
    await opened?.close().catch(() => undefined);
    await lock.release();
    throw e;
  }
}

async function withLog(
  executor: SqlExecutor,
  close: () => Promise<void>,
  packedReads: PackedReads,
): Promise<{ log: EventLog; query: SqlExecutor['query'] }> {
  const tables = logTables('public');
  await migrateEventLog(executor, tables);
  const signal = appendSignal();
  const log = createSqlEventLog({
    adapter: 'pglite',
    executor,
    tables,
    onAppend: signal.onAppend,
    afterCommit: signal.notify,
    idlePollMs: 1000,
    exclusiveConnection: true,
    // Only the worker thread's executor reads packed: on the caller's thread the split would cost the caller.
    packedReads,
    close,
  });
  return { log, query: executor.query };
}
