// One kernel per process for attribution (its WASM memory and worker threads are costly to set
// up, and operations on a kernel are serialised anyway). The projection and the queries take a
// `kernel` option for tests; by default both share this one. Close it when the projection store
// closes: closeAttributionKernel(), or withAttributionKernelClosed(store).
import { loadKernel, type Kernel } from '@cairn/kernel';
import type { ProjectionStore } from '@cairn/projector';

let shared: Promise<Kernel> | undefined;

/** The process's attribution kernel ('auto' variant: SIMD128 when the engine validates it). */
export function attributionKernel(): Promise<Kernel> {
  shared ??= loadKernel({ variant: 'auto' });
  return shared;
}

/** Stops the shared kernel's workers; the next attributionKernel() loads a fresh one. */
export async function closeAttributionKernel(): Promise<void> {
  const kernel = shared;
  shared = undefined;
  if (kernel !== undefined) await (await kernel).close();
}

/** The same store, whose close() also closes the shared attribution kernel. */
export function withAttributionKernelClosed<TStore extends ProjectionStore>(store: TStore): TStore {
  return {
    ...store,
    close: async () => {
      try {
        await closeAttributionKernel();
      } finally {
        await store.close();
      }
    },
  };
}
