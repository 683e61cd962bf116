import { describe, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { openEventStoreDbEventLog, type EventLog, type LogPosition } from '@cairn/eventlog';
import { eventLogConformanceSuite } from './suite.js';

// No EventStoreDB server runs in this project's CI: the suite runs only when CAIRN_ESDB_URL
// (e.g. esdb://localhost:2113?tls=false) names one, and says so loudly otherwise.
const url = process.env.CAIRN_ESDB_URL;

if (url === undefined) {
  // Straight to stderr: jest swallows console output of files whose tests are all skipped.
  process.stderr.write('[cairn] skipping the EventStoreDB conformance suite: set CAIRN_ESDB_URL to run it against a server.\n');
  describe.skip('EventLog conformance: esdb (CAIRN_ESDB_URL not set)', () => {
    it('needs an EventStoreDB server', () => undefined);
  });
} else {
  eventLogConformanceSuite(
    'esdb',
    async () => {
      // ESDB has no per-test database: each test sees the server's log from its head at the
      // start of the test, which to the suite looks like a fresh, empty log.
      const log = openEventStoreDbEventLog(url);
      const head = await log.head();
      if (E.isLeft(head)) throw new Error(`EventStoreDB at ${url} is unavailable: ${head.left._tag}`);
      const view = fromBaseline(log, head.right);
      return { log: view, cleanup: () => view.close() };
    },
    { atomicAppendMany: false, globalIdIndex: false },
  );
}

function fromBaseline(log: EventLog, baseline: LogPosition | null): EventLog {
  if (baseline === null) return log;
  const later = (after: LogPosition | null | undefined) => (after == null || after < baseline ? baseline : after);
  return {
    ...log,
    readAll: (o = {}) => log.readAll({ ...o, after: later(o.after) }),
    head: async () => E.map((h: LogPosition | null) => (h === null || h <= baseline ? null : h))(await log.head()),
    subscribe: (o = {}) => log.subscribe({ ...o, after: later(o.after) }),
  };
}
