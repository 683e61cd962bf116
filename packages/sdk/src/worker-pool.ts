// One pool of worker threads for every kind of CPU work the SDK hands off (signature checks,
// preparing sealed contributions). It starts up to `size` workers as work comes, deals jobs to
// them in turn, moves the buffers a job names instead of copying them, and shuts them down. The
// workers hold the process open only while a job is on its way, so an idle pool never keeps a
// program from exiting. A worker's side is worker-serve.mjs.
//
// A job whose worker throws, dies or is stopped rejects with a WorkerPoolFailure naming what
// happened: a caller waiting on a pool is never left hanging. A dead worker takes no more jobs;
// the next job starts another.
import { Worker } from 'node:worker_threads';
import os from 'node:os';

export type WorkerFault =
  /** The job's handler threw in the worker; the worker lives on. */
  | { readonly _tag: 'WorkerThrew'; readonly pool: string; readonly reason: string }
  /** The worker died (an uncaught error, process.exit, out of memory) with the job on it. */
  | { readonly _tag: 'WorkerExited'; readonly pool: string; readonly reason: string }
  /** The pool was closed before or while the job ran. */
  | { readonly _tag: 'PoolClosed'; readonly pool: string };

export function describeWorkerFault(fault: WorkerFault): string {
  switch (fault._tag) {
    case 'WorkerThrew':
      return `${fault.pool} worker failed: ${fault.reason}`;
    case 'WorkerExited':
      return `${fault.pool} worker stopped: ${fault.reason}`;
    case 'PoolClosed':
      return `${fault.pool} pool is closed`;
  }
}

/** What a pool's job rejects with; the fault stays reachable as `.fault`. */
export class WorkerPoolFailure extends Error {
  constructor(readonly fault: WorkerFault) {
    super(describeWorkerFault(fault));
    this.name = 'WorkerPoolFailure';
  }
}

export interface WorkerPool<Job, Reply> {
  readonly size: number;
  /** Runs one job on the next worker; `transfer` lists the buffers the job gives away. */
  run(job: Job, transfer?: readonly ArrayBuffer[]): Promise<Reply>;
  /** Stops every worker; jobs still running reject with PoolClosed. */
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  /** Named in faults, e.g. `verify`. */
  readonly name: string;
  /** The worker's module: a plain ESM file that calls worker-serve.mjs's serve. */
  readonly url: URL;
  readonly size?: number;
}

/** The message each side sends (worker-serve.mjs speaks the other half). */
type Answer<Reply> = { readonly id: number; readonly reply: Reply } | { readonly id: number; readonly threw: string };

interface Pending<Reply> {
  readonly worker: Worker;
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: Error) => void;
}

export function defaultPoolSize(): number {
  return Math.max(1, os.availableParallelism());
}

export function createWorkerPool<Job, Reply>(options: WorkerPoolOptions): WorkerPool<Job, Reply> {
  const { name, url } = options;
  const size = Math.max(1, options.size ?? defaultPoolSize());
  const workers: Worker[] = [];
  const pending = new Map<number, Pending<Reply>>();
  let nextId = 0;
  let nextWorker = 0;
  let closed = false;

  const settle = (id: number): Pending<Reply> | undefined => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) for (const w of workers) w.unref();
    return p;
  };

  /** Rejects every job on `worker` and retires it, once: 'error' is followed by 'exit'. */
  const fail = (worker: Worker, fault: WorkerFault): void => {
    const at = workers.indexOf(worker);
    if (at >= 0) workers.splice(at, 1);
    for (const [id, p] of pending) if (p.worker === worker) settle(id)?.reject(new WorkerPoolFailure(fault));
    worker.unref();
  };

  const start = (): Worker => {
    const worker = new Worker(url);
    worker.unref();
    worker.on('message', (answer: Answer<Reply>) => {
      const p = settle(answer.id);
      if ('threw' in answer) p?.reject(new WorkerPoolFailure({ _tag: 'WorkerThrew', pool: name, reason: answer.threw }));
      else p?.resolve(answer.reply);
    });
    worker.on('error', (error) => fail(worker, { _tag: 'WorkerExited', pool: name, reason: error.message }));
    worker.on('exit', (code) =>
      fail(worker, closed ? { _tag: 'PoolClosed', pool: name } : { _tag: 'WorkerExited', pool: name, reason: `exit code ${code}` }),
    );
    return worker;
  };

  return {
    size,
    run: (job, transfer = []) => {
      if (closed) return Promise.reject(new WorkerPoolFailure({ _tag: 'PoolClosed', pool: name }));
      if (workers.length < size) workers.push(start());
      const worker = workers[nextWorker++ % workers.length]!;
      const id = nextId++;
      for (const w of workers) w.ref();
      return new Promise<Reply>((resolve, reject) => {
        pending.set(id, { worker, resolve, reject });
        worker.postMessage({ id, job }, transfer as ArrayBuffer[]);
      });
    },
    close: async () => {
      closed = true;
      const stopping = workers.splice(0);
      await Promise.all(stopping.map((w) => w.terminate()));
      // Terminated workers report 'exit' with their jobs rejected; any left are rejected here.
      for (const id of [...pending.keys()]) settle(id)?.reject(new WorkerPoolFailure({ _tag: 'PoolClosed', pool: name }));
    },
  };
}
