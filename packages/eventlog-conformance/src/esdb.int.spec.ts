import { randomUUID } from 'node:crypto';
import { describe, it } from '@jest/globals';
import { EventStoreDBClient } from '@eventstore/db-client';
import { createEventStoreDbEventLog, openEventStoreDbEventLog } from '@cairn/eventlog';
import { eventLogConformanceSuite } from './suite.js';

// No EventStoreDB server runs in this project's CI: the suite runs only when CAIRN_ESDB_URL
// (e.g. esdb://localhost:2113?tls=false) names one, and says so loudly otherwise.
// CAIRN_ESDB_READER_URL may name the same server as a user without admin rights (secured
// servers keep $all for admins; the adapter must not need it).
const url = process.env.CAIRN_ESDB_URL;
const readerUrl = process.env.CAIRN_ESDB_READER_URL;

if (url === undefined) {
  // Straight to stderr: jest swallows console output of files whose tests are all skipped.
  process.stderr.write('[cairn] skipping the EventStoreDB conformance suite: set CAIRN_ESDB_URL to run it against a server.\n');
  describe.skip('EventLog conformance: esdb (CAIRN_ESDB_URL not set)', () => {
    it('needs an EventStoreDB server', () => undefined);
  });
} else {
  const clients = new WeakMap<object, EventStoreDBClient>();
  const prefixes = new WeakMap<object, string>();
  eventLogConformanceSuite(
    'esdb',
    async () => {
      // ESDB has no per-test database: each test gets its own log stream (its own prefix), which
      // is a fresh, empty log.
      const prefix = `cairn-test-${randomUUID()}`;
      const client = EventStoreDBClient.connectionString(url);
      const log = createEventStoreDbEventLog(client, { prefix });
      const subject = { log, cleanup: () => log.close() };
      clients.set(subject, client);
      prefixes.set(subject, prefix);
      return subject;
    },
    {
      breakReads: async (subject) => {
        await clients.get(subject)!.dispose();
      },
      ...(readerUrl === undefined
        ? {}
        : {
            reader: async (subject: object) => {
              const log = openEventStoreDbEventLog(readerUrl, { prefix: prefixes.get(subject)! });
              return { log, close: () => log.close() };
            },
          }),
    },
  );
}
