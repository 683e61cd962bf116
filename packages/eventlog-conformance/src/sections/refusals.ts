import { describe, expect, it } from '@jest/globals';
import { ExpectedRevision, type AppendRequest, type EventLog } from '@cairn/eventlog';
import { left, newEvent, readAll, right, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory, ConformanceOptions } from '../subject.js';

/**
 * A refused append consumes no log position: `status` compares the head with the number of
 * events, and a position drawn by an append that was then refused would read as a lost event.
 */
export function refusals(factory: ConformanceFactory, options: ConformanceOptions): void {
  const withLog = (body: (log: EventLog) => Promise<void>) => () => withSubject(factory, (s) => body(s.log));

  /** Appends one event to a fresh stream and says that its position follows the head directly. */
  async function expectNextPositionFollows(log: EventLog, headBefore: bigint | null): Promise<void> {
    const next = right(await log.append({ stream: uniqueStream(), events: [newEvent()] }));
    expect(next.position).toBe(headBefore === null ? next.position : headBefore + 1n);
    const positions = (await readAll(log)).map((e) => e.position);
    positions.forEach((p, i) => i === 0 || expect(p).toBe(positions[i - 1]! + 1n));
  }

  const refused: { readonly name: string; readonly when: (stream: string) => AppendRequest[]; readonly tag: string }[] = [
    {
      name: 'an append expecting "no stream" to a stream that exists (defining a taken dataset name)',
      when: (stream) => [{ stream, events: [newEvent('DatasetDefined')], expectedRevision: ExpectedRevision.noStream }],
      tag: 'WrongExpectedRevision',
    },
    {
      name: 'an append expecting a stale exact revision',
      when: (stream) => [{ stream, events: [newEvent()], expectedRevision: ExpectedRevision.exact(5n) }],
      tag: 'WrongExpectedRevision',
    },
    {
      name: 'a batch of new cf- streams whose last request names a stream that exists',
      when: (stream) => [
        { stream: uniqueStream(), events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
        { stream: uniqueStream(), events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
        { stream, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
      ],
      tag: 'WrongExpectedRevision',
    },
  ];

  describe('a refused append leaves no gap', () => {
    for (const c of refused) {
      it(
        `given a log with events, when ${c.name} is refused, then the next accepted event takes the position right after the head`,
        withLog(async (log) => {
          const stream = uniqueStream('dataset');
          right(await log.append({ stream, events: [newEvent('DatasetDefined')], expectedRevision: ExpectedRevision.noStream }));
          right(await log.append({ stream: uniqueStream(), events: [newEvent(), newEvent()] }));
          const head = right(await log.head());
          for (let attempt = 0; attempt < 3; attempt++) expect(left(await log.appendMany(c.when(stream)))._tag).toBe(c.tag);
          expect(right(await log.head())).toBe(head);
          await expectNextPositionFollows(log, head);
        }),
      );
    }

    it(
      'given racers each appending a different event to the same new stream with "no stream", when all settle, then one is accepted and the next accepted event takes the position right after the head',
      withLog(async (log) => {
        right(await log.append({ stream: uniqueStream(), events: [newEvent()] }));
        const stream = uniqueStream('dataset');
        const outcomes = await Promise.all(
          Array.from({ length: options.racers ?? 8 }, () =>
            log.append({ stream, events: [newEvent('DatasetDefined')], expectedRevision: ExpectedRevision.noStream }),
          ),
        );
        expect(outcomes.filter((o) => o._tag === 'Right')).toHaveLength(1);
        await expectNextPositionFollows(log, right(await log.head()));
      }),
    );

    if (options.globalIdIndex ?? true)
      it(
        'given an event in one stream, when the same id is appended to a new stream and refused as a conflict, then the next accepted event takes the position right after the head',
        withLog(async (log) => {
          const event = newEvent();
          right(await log.append({ stream: uniqueStream(), events: [event] }));
          const head = right(await log.head());
          expect(
            left(await log.append({ stream: uniqueStream(), events: [event], expectedRevision: ExpectedRevision.noStream }))._tag,
          ).toBe('DuplicateEventConflict');
          await expectNextPositionFollows(log, head);
        }),
      );
  });
}
