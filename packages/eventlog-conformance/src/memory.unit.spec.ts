import { createInMemoryEventLog } from '@cairn/eventlog';
import { eventLogConformanceSuite } from './suite.js';

eventLogConformanceSuite('memory', async () => {
  const log = createInMemoryEventLog();
  return { log, cleanup: () => log.close() };
});
