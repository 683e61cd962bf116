import { describe, expect, it } from '@jest/globals';
import { ExpectedRevision } from '@cairn/eventlog';
import { newEvent, readAll, right, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory } from '../subject.js';

export function durability(factory: ConformanceFactory): void {
  describe('durability', () => {
    it('given acknowledged appends, when the log is closed and reopened, then every event, revision and position is still there and appends continue', () =>
      withSubject(factory, async (subject) => {
        const stream = uniqueStream();
        right(await subject.log.append({ stream, events: [newEvent(), newEvent()] }));
        right(await subject.log.appendMany([{ stream: uniqueStream(), events: [newEvent()] }]));
        const before = await readAll(subject.log);
        const reopened = await subject.reopen!();
        expect((await readAll(reopened)).map((e) => [e.id, e.stream, e.revision, e.position, e.data])).toEqual(
          before.map((e) => [e.id, e.stream, e.revision, e.position, e.data]),
        );
        const next = right(await reopened.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.exact(1n) }));
        expect(next.position > before[before.length - 1]!.position).toBe(true);
      }));
  });
}
