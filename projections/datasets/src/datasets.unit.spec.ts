import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { datasetsSuite } from './__tests__/datasets-suite.js';
import { liveIndexSuite } from './__tests__/live-index-suite.js';

/** The store `cairn` opens on a folder: PGlite on a worker thread of its own, its folder removed on close. */
async function storeOnWorker(): Promise<ProjectionStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-datasets-'));
  const store = await openProjectionStore({ dataDir: path.join(dir, 'projections') });
  return {
    ...store,
    close: async () => {
      try {
        await store.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

datasetsSuite('PGlite', async () => openProjectionStore({ pglite: await PGlite.create() }));
datasetsSuite('PGlite on a worker thread', storeOnWorker);
liveIndexSuite('PGlite', async () => openProjectionStore({ pglite: await PGlite.create() }));
