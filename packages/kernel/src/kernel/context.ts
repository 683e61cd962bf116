import type { Arena } from './arena.js';
import type { KernelExports } from './exports.js';
import type { ThreadPool } from './pool.js';

/** What an operation needs: the module's exports on this thread, its memory, and the threads. */
export interface KernelContext {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly pool: ThreadPool;
  readonly threads: number;
}
