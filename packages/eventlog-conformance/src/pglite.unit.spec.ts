import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedEventLog, type EventLog } from '@cairn/eventlog';
import { eventLogConformanceSuite } from './suite.js';

eventLogConformanceSuite(
  'pglite',
  async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cairn-pglite-'));
    let log: EventLog = await openEmbeddedEventLog({ dataDir });
    return {
      get log() {
        return log;
      },
      reopen: async () => {
        await log.close();
        log = await openEmbeddedEventLog({ dataDir });
        return log;
      },
      cleanup: async () => {
        await log.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
  { reopenable: true, modelRuns: 15 },
);
