// Counting the log's events where they are stored: a reader asking "how many events?" must not
// have to read every event, and positions may have gaps, so the head is no count.
import { describe, expect, it } from '@jest/globals';
import { createInMemoryEventLog } from './memory/in-memory-event-log.js';
import { openEmbeddedEventLogWithSql } from './pglite/open-embedded-event-log.js';
import { ExpectedRevision, type EventLog } from './port.js';

const id = (n: number) => n.toString(16).padStart(64, '0');
const append = async (log: EventLog, n: number) => {
  const r = await log.append({
    stream: `s-${n}`,
    expectedRevision: ExpectedRevision.noStream,
    events: [{ id: id(n), type: 'T', data: { n } }],
  });
  if (r._tag === 'Left') throw new Error(JSON.stringify(r.left));
};

describe('EventLog.count', () => {
  it('given an in-memory log of three events, when counted, then the count is three', async () => {
    const log = createInMemoryEventLog();
    for (const n of [1, 2, 3]) await append(log, n);
    expect(await log.count?.()).toEqual({ _tag: 'Right', right: 3 });
  });

  it('given an embedded log whose positions have a gap (a failed insert drew two), when counted, then the count is the events it holds, not the head', async () => {
    const { log, query } = await openEmbeddedEventLogWithSql({ dataDir: 'memory://' });
    try {
      await append(log, 1);
      // One statement, two rows with the same id: both draw a position, then the statement fails.
      await expect(
        query(
          `insert into cairn_log (id, stream, revision, type, data) values (decode($1, 'hex'), 'x', 0, 'T', '{}'), (decode($1, 'hex'), 'y', 0, 'T', '{}')`,
          [id(9)],
        ),
      ).rejects.toThrow();
      await append(log, 2);
      const head = await log.head();
      expect(head).toEqual({ _tag: 'Right', right: 4n });
      expect(await log.count?.()).toEqual({ _tag: 'Right', right: 2 });
    } finally {
      await log.close();
    }
  });
});
