// The embedded log's SqlExecutor when PGlite runs on its own worker thread (./pglite-worker.mjs).
// PGlite is Postgres compiled to WebAssembly and runs on the thread that calls it; on the
// caller's thread every append's parse, plan and write competed with the SDK's decoding and
// hashing for the one event loop (bulk ingest: ~36 µs of main-thread CPU per event). Here the
// caller only posts the statement and its parameters. A transaction holds the worker for its
// whole length, one at a time (the same FIFO mutex as in-thread), so messages need no routing.
import { Worker } from 'node:worker_threads';
import type { SqlExecutor, SqlQueryable } from '../sql/executor.js';
import { createMutex } from './mutex.js';
import { EMBEDDED_INITDB_PARAMS, EMBEDDED_LOG_START_PARAMS } from './start-params.js';

type Op = 'query' | 'begin' | 'commit' | 'rollback' | 'close';

interface Reply {
  readonly id?: number;
  readonly ready?: true;
  readonly rows?: readonly object[];
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

export async function openWorkerExecutor(dataDir: string): Promise<WorkerExecutor> {
  const worker = new Worker(WORKER_URL, {
    workerData: { dataDir, startParams: EMBEDDED_LOG_START_PARAMS, initDbStartParams: EMBEDDED_INITDB_PARAMS },
  });
  const pending = new Map<number, { resolve: (rows: readonly object[]) => void; reject: (e: Error) => void }>();
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
      else p?.resolve(reply.rows ?? []);
    });
    worker.on('error', (e) => {
      failAll(e);
      failedToOpen(e);
    });
    worker.on('exit', (code) => failAll(new Error(`the embedded log's database thread exited (code ${code})`)));
  });
  worker.unref();

  const call = (op: Op, text?: string, params?: readonly unknown[]): Promise<readonly object[]> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    worker.ref();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, text, params });
    });
  };
  const exclusive = createMutex();
  const inTransaction: SqlQueryable = { query: async (text, params) => (await call('query', text, params)) as never };

  return {
    query: (text, params) => exclusive(async () => (await call('query', text, params)) as never),
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
        if (!failure) await call('close');
        await worker.terminate();
      }),
  };
}
