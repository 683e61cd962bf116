import { describe, expect, it } from '@jest/globals';
import { SubscriptionFailed, type RecordedEvent } from '@cairn/eventlog';
import { collect, newEvent, readAll, right, sleep, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory, ConformanceOptions } from '../subject.js';

/** Every event once, in strictly increasing position. */
export function expectGapFreeOrder(delivered: readonly RecordedEvent[], stored: readonly RecordedEvent[]): void {
  const positions = delivered.map((e) => e.position);
  for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
  expect(delivered.map((e) => e.id)).toEqual(stored.map((e) => e.id));
}

export function subscriptions(factory: ConformanceFactory, options: ConformanceOptions = {}): void {
  describe('subscribe', () => {
    it('given 30 stored events and 4 writers appending while it runs, when subscribing from the start, then it delivers every event once in log order', () =>
      withSubject(factory, async ({ log }) => {
        right(await log.append({ stream: uniqueStream(), events: Array.from({ length: 30 }, () => newEvent()) }));
        const writers = 4;
        const perWriter = 15;
        const subscription = log.subscribe({ batchSize: 7 });
        const delivered = collect(subscription, 30 + writers * perWriter * 2);
        await Promise.all(
          Array.from({ length: writers }, async () => {
            const stream = uniqueStream();
            for (let i = 0; i < perWriter; i++) {
              right(await log.append({ stream, events: [newEvent(), newEvent()] }));
              if (i % 5 === 0) await sleep(5);
            }
          }),
        );
        expectGapFreeOrder(await delivered, await readAll(log));
      }));

    it('given a position P, when subscribing after P, then only later events arrive, live ones included', () =>
      withSubject(factory, async ({ log }) => {
        const stream = uniqueStream();
        right(await log.append({ stream, events: [newEvent(), newEvent(), newEvent()] }));
        const [, second] = await readAll(log);
        const subscription = log.subscribe({ after: second!.position });
        const delivered = collect(subscription, 3);
        await sleep(20);
        right(await log.append({ stream, events: [newEvent(), newEvent()] }));
        const all = await readAll(log);
        expectGapFreeOrder(await delivered, all.slice(2));
      }));

    it('given an idle subscription, when it is closed, then its iteration ends', () =>
      withSubject(factory, async ({ log }) => {
        const subscription = log.subscribe();
        const consumed: RecordedEvent[] = [];
        const loop = (async () => {
          for await (const event of subscription) consumed.push(event);
          return 'ended';
        })();
        await sleep(30);
        await subscription.close();
        expect(await loop).toBe('ended');
        expect(consumed).toEqual([]);
      }));

    const breakReads = options.breakReads;
    if (breakReads) {
      it('given a live subscription, when the storage starts refusing reads, then the iteration ends with SubscriptionFailed carrying an EventLogError', () =>
        withSubject(factory, async (subject) => {
          right(await subject.log.append({ stream: uniqueStream(), events: [newEvent()] }));
          const subscription = subject.log.subscribe();
          const delivered: RecordedEvent[] = [];
          const outcome = (async () => {
            for await (const event of subscription) delivered.push(event);
            return 'ended';
          })().catch((e: unknown) => e);
          while (delivered.length === 0) await sleep(5);
          await breakReads(subject);
          const failure = await outcome;
          await subscription.close();
          expect(failure).toBeInstanceOf(SubscriptionFailed);
          expect(['WrongExpectedRevision', 'DuplicateEventConflict', 'InvalidEvent', 'Unavailable']).toContain(
            (failure as SubscriptionFailed).error._tag,
          );
        }));
    }
  });
}
