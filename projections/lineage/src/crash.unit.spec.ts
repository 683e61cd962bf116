import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedEventLog } from '@cairn/eventlog';
import { openProjectionStore } from '@cairn/projector';
import { crashSuite } from './__tests__/crash-suite.js';

// PGlite: both data dirs survive each SIGKILL; every restart recovers them from disk.
crashSuite('PGlite log and PGlite projections', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cairn-crash-'));
  return {
    logSpec: `pglite:${path.join(dir, 'log')}`,
    storeSpec: `pglite:${path.join(dir, 'projections')}`,
    openLog: () => openEmbeddedEventLog({ dataDir: path.join(dir, 'log') }),
    openStore: () => openProjectionStore({ dataDir: path.join(dir, 'projections') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
