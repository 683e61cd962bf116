// The embedded log's SqlExecutor when PGlite runs on its own worker thread (./pglite-worker.mjs).
// PGlite is Postgres compiled to WebAssembly and runs on the thread that calls it; on the
// caller's thread every append's parse, plan and write competed with the SDK's decoding and
// hashing for the one event loop (bulk ingest: ~36 µs of main-thread CPU per event). Here the
// caller only posts the statement and its parameters. A transaction holds the worker for its
// whole length, one at a time (the same FIFO mutex as in-thread), so messages need no routing.
import { Worker } from 'node:worker_threads';
import type { Packing, SqlExecutor, SqlQueryable } from '../sql/executor.js';
import { createMutex } from './mutex.js';
import { EMBEDDED_INITDB_PARAMS, EMBEDDED_LOG_START_PARAMS } from './start-params.js';

type Op = 'query' | 'statement' | 'packed' | 'begin' | 'commit' | 'rollback' | 'close';

interface Reply {
  readonly id?: number;
  readonly ready?: true;
  readonly rows?: readonly object[];
  readonly affectedRows?: number;
  readonly command?: string;
  readonly rowCount?: number;
  /** A packed read whose text held the separator. */
  readonly unsplittable?: true;
  readonly error?: { readonly name: string; readonly message: string } & Record<string, string>;
}

const WORKER_URL = new URL('./pglite-worker.mjs', import.meta.url);

/** A driver error as the SQL layer expects it: the class by name, SQLSTATE in `code`, `constraint`, ... */
function rebuildError(error: NonNullable<Reply['error']>): Error {
  const { name, message, ...fields } = error;
  const Class = name === 'TypeError' ? TypeError : name === 'RangeError' ? RangeError : Error;
  return Object.assign(new Class(message), fields);
}

export interface WorkerExecutor extends SqlExecutor {
  close(): Promise<void>;
}

/** How a PGlite thread opens its data directory. */
export interface PGliteThreadOptions {
  /** The data directory (`memory://`: in RAM). The caller locks it. */
  readonly dataDir: string;
  /** Postgres's start parameters (PGlite.defaultStartParams and the caller's own). */
  readonly startParams: readonly string[];
  /** initdb's parameters when the folder is made (default: EMBEDDED_INITDB_PARAMS). */
  readonly initDbStartParams?: readonly string[];
  /** int8 columns as decimal text, as pg returns them (default: PGlite's own parsing). */
  readonly int8AsText?: boolean;
  /** What the database is, for the error when its thread dies ("the embedded log's"). */
  readonly label?: string;
}

/** A statement's result as PGlite gives it. */
export interface PGliteStatementResult {
  readonly rows: readonly object[];
  readonly affectedRows?: number;
  readonly command?: string;
  readonly rowCount?: number;
}

/**
 * A PGlite session on a thread of its own. Statements run in the order they are sent; the
 * caller keeps a transaction's statements together (PGlite is one session: a BEGIN sent as a
 * statement holds it until COMMIT).
 */
export interface PGliteThread {
  /** One statement; `copyData` is the COPY text a `copy ... from '/dev/blob'` statement reads. */
  statement(text: string, params?: readonly unknown[], options?: { readonly copyData?: string }): Promise<PGliteStatementResult>;
  close(): Promise<void>;
}

type Call = (op: Op, text?: string, params?: readonly unknown[], blob?: string, packing?: Packing) => Promise<Reply>;

async function startThread(
  options: PGliteThreadOptions,
): Promise<{ call: Call; failed: () => Error | undefined; stop: () => Promise<number> }> {
  const { dataDir, startParams, initDbStartParams = EMBEDDED_INITDB_PARAMS, int8AsText = false, label = "the embedded log's" } = options;
  const worker = new Worker(WORKER_URL, { workerData: { dataDir, startParams, initDbStartParams, int8AsText } });
  const pending = new Map<number, { resolve: (reply: Reply) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;

  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  await new Promise<void>((ready, failedToOpen) => {
    worker.on('message', (reply: Reply) => {
      if (reply.ready) return ready();
      const p = pending.get(reply.id!);
      pending.delete(reply.id!);
      // An idle database thread must not keep the process alive, as in-thread PGlite does not.
      if (pending.size === 0) worker.unref();
      if (reply.error) p?.reject(rebuildError(reply.error));
      else p?.resolve(reply);
    });
    worker.on('error', (e) => {
      failAll(e);
      failedToOpen(e);
    });
    worker.on('exit', (code) => failAll(new Error(`${label} database thread exited (code ${code})`)));
  });
  worker.unref();

  const call: Call = (op, text, params, blob, packing) => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, text, params, blob, packing });
    });
  };
  return { call, failed: () => failure, stop: () => worker.terminate() };
}

/**
 * A message's values are made in the main context of this thread; code loaded in another context
 * (a vm, as jest runs tests) sees their objects as foreign (another Object.prototype), which a
 * check for plain JSON refuses. Rows are remade here when, and only when, they are foreign.
 */
function inThisRealm(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Array.from(value as unknown[], inThisRealm);
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Date]') return new Date((value as Date).getTime());
  if (tag === '[object Uint8Array]') return new Uint8Array(value as Uint8Array);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = inThisRealm(v);
  return out;
}

const rowsHere = (rows: readonly object[]): readonly object[] =>
  Object.getPrototypeOf(rows) === Array.prototype ? rows : (inThisRealm(rows) as readonly object[]);

/** Opens a PGlite session on a worker thread (the projections' embedded store runs on one). */
export async function openPGliteThread(options: PGliteThreadOptions): Promise<PGliteThread> {
  const { call, failed, stop } = await startThread(options);
  return {
    statement: async (text, params, statementOptions) => {
      const { rows = [], affectedRows, command, rowCount } = await call('statement', text, params, statementOptions?.copyData);
      return { rows: rowsHere(rows), affectedRows, command, rowCount };
    },
    close: async () => {
      if (!failed()) await call('close');
      await stop();
    },
  };
}

export async function openWorkerExecutor(dataDir: string): Promise<WorkerExecutor> {
  const thread = await startThread({ dataDir, startParams: EMBEDDED_LOG_START_PARAMS });
  const call = async (op: Op, text?: string, params?: readonly unknown[]): Promise<readonly object[]> =>
    (await thread.call(op, text, params)).rows ?? [];
  const failure = thread.failed;
  const exclusive = createMutex();
  const inTransaction: SqlQueryable = { query: async (text, params) => (await call('query', text, params)) as never };

  return {
    query: (text, params) => exclusive(async () => (await call('query', text, params)) as never),
    queryPacked: (text, params, packing) =>
      exclusive(async () => {
        const reply = await thread.call('packed', text, params, undefined, packing);
        return reply.unsplittable ? null : ((reply.rows ?? []) as never);
      }),
    transaction: (fn) =>
      exclusive(async () => {
        await call('begin');
        let result;
        try {
          result = await fn(inTransaction);
        } catch (e) {
          // The caller's failure is the answer; a rollback that fails too (a dead thread) says less.
          await call('rollback').catch(() => undefined);
          throw e;
        }
        await call('commit');
        return result;
      }),
    close: () =>
      exclusive(async () => {
        if (!failure()) await call('close');
        await thread.stop();
      }),
  };
}
