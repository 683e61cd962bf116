// Runs batches of kernel calls on the calling thread plus (threads − 1) worker_threads that
// share the module and the memory. Which thread runs which call never changes a result: every
// output element is written by exactly one call, in an order fixed by the call itself.
import { Worker } from 'node:worker_threads';
import type { KernelExports, KernelTask } from './exports.js';

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

interface WorkerReply {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
}

export class ThreadPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private busy = 0;

  constructor(
    private readonly local: KernelExports,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    readonly threads: number,
  ) {
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { module, memory } });
      worker.on('message', (reply: WorkerReply) => this.settle(reply));
      worker.on('error', (error) => this.failAll(error));
      worker.unref(); // idle workers must not keep the process alive
      this.workers.push(worker);
    }
  }

  /**
   * Runs `tasks`, split into `threads` contiguous groups: the first on this thread, the rest
   * on the workers. Resolves when all have finished.
   */
  async run(tasks: readonly KernelTask[]): Promise<void> {
    const groups = Math.min(this.threads, tasks.length);
    if (groups <= 1) {
      for (const t of tasks) this.call(t);
      return;
    }
    const bounds = Array.from({ length: groups + 1 }, (_, g) => Math.round((g * tasks.length) / groups));
    const done: Promise<void>[] = [];
    for (let g = 1; g < groups; g++) done.push(this.post(this.workers[g - 1]!, tasks.slice(bounds[g], bounds[g + 1])));
    let localError: unknown;
    try {
      for (const t of tasks.slice(0, bounds[1])) this.call(t);
    } catch (error) {
      localError = error;
    }
    await Promise.all(done);
    if (localError !== undefined) throw localError;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private call(task: KernelTask): void {
    (this.local[task.fn] as (...args: number[]) => unknown)(...task.args);
  }

  private post(worker: Worker, tasks: readonly KernelTask[]): Promise<void> {
    const id = this.nextId++;
    if (this.busy++ === 0) for (const w of this.workers) w.ref();
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, tasks });
    }).finally(() => {
      if (--this.busy === 0) for (const w of this.workers) w.unref();
    });
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve();
    else p.reject(new Error(`kernel worker failed: ${reply.error ?? 'unknown error'}`));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
