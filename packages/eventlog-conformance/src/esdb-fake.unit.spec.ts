// The whole suite against the EventStoreDB adapter on an in-process fake of the client: the
// adapter's own logic (one log stream, the planner, the link index) runs here on every machine;
// only the server's behaviour is assumed (see esdb.int.spec.ts for a real server).
import { UnavailableError, type EventStoreDBClient } from '@eventstore/db-client';
import { createEventStoreDbEventLog } from '@cairn/eventlog';
import { eventLogConformanceSuite } from './suite.js';
import { FakeEsdbClient } from './__tests__/fake-esdb-client.js';

const fakes = new WeakMap<object, FakeEsdbClient>();
const adapter = (client: FakeEsdbClient) => createEventStoreDbEventLog(client as unknown as EventStoreDBClient, { idlePollMs: 5 });

eventLogConformanceSuite(
  'esdb (in-process fake client)',
  async () => {
    const fake = new FakeEsdbClient();
    const log = adapter(fake);
    const subject = { log, cleanup: () => log.close() };
    fakes.set(subject, fake);
    return subject;
  },
  {
    breakReads: async (subject) => {
      fakes.get(subject)!.options.failReads = new UnavailableError(undefined as never, 'connection lost');
    },
    reader: async (subject) => {
      const log = adapter(fakes.get(subject)!.as({ admin: false }));
      return { log, close: () => log.close() };
    },
  },
);
