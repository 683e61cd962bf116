import { loadKernel, type Kernel } from '../kernel/kernel.js';

let shared: Promise<Kernel> | undefined;

/** The kernel used when a caller passes none: best variant, one thread (no workers). */
export function defaultKernel(): Promise<Kernel> {
  shared ??= loadKernel({ variant: 'auto', threads: 1 });
  return shared;
}
