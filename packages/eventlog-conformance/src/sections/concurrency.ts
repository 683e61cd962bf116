import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { ExpectedRevision, type ExpectedRevision as Expected } from '@cairn/eventlog';
import { newEvent, readAll, right, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory, ConformanceOptions } from '../subject.js';

export function concurrency(factory: ConformanceFactory, options: ConformanceOptions): void {
  const racers = options.racers ?? 8;

  describe('concurrent appenders', () => {
    const cases: readonly [string, Expected, number][] = [
      ['exact(0) on a stream of one event', ExpectedRevision.exact(0n), 1],
      ['no-stream on a new stream', ExpectedRevision.noStream, 0],
    ];
    for (const [label, expected, existing] of cases) {
      it(`given ${racers} appenders racing with ${label}, when they all append at once, then exactly one wins and the others see the winner's revision`, () =>
        withSubject(factory, async ({ log }) => {
          const stream = uniqueStream();
          if (existing > 0) right(await log.append({ stream, events: [newEvent()] }));
          const attempts = Array.from({ length: racers }, () => [newEvent(), newEvent()]);
          const results = await Promise.all(attempts.map((events) => log.append({ stream, events, expectedRevision: expected })));
          const winners = results.filter(E.isRight);
          expect(winners).toHaveLength(1);
          const losers = results.filter(E.isLeft).map((r) => r.left);
          const winnerRevision = BigInt(existing) + 1n;
          expect(losers).toEqual(
            Array.from({ length: racers - 1 }, () => ({ _tag: 'WrongExpectedRevision', stream, expected, actual: winnerRevision })),
          );
          const winnerEvents = attempts[results.findIndex(E.isRight)]!;
          const read = right(await log.readStream(stream));
          expect(read.slice(existing).map((e) => e.id)).toEqual(winnerEvents.map((e) => e.id));
        }));
    }

    it(`given ${racers} appenders replaying the same cf-<id> append at once, then one writes it and the rest report it already appended`, () =>
      withSubject(factory, async ({ log }) => {
        const cf = newEvent();
        const request = { stream: `cf-${cf.id}`, events: [cf], expectedRevision: ExpectedRevision.noStream };
        const results = await Promise.all(Array.from({ length: racers }, () => log.append(request)));
        const outcomes = results.map((r) => right(r).alreadyAppended);
        expect(outcomes.filter((done) => !done)).toHaveLength(1);
        expect(await readAll(log)).toHaveLength(1);
      }));

    it('given writers appending with any to shared streams at once, then every event is stored once with dense per-stream revisions', () =>
      withSubject(factory, async ({ log }) => {
        const streams = [uniqueStream(), uniqueStream()];
        const batches = Array.from({ length: racers * 3 }, (_, i) => ({ stream: streams[i % 2]!, events: [newEvent(), newEvent()] }));
        const results = await Promise.all(batches.map((b) => log.append(b)));
        results.forEach((r) => right(r));
        for (const stream of streams) {
          const read = right(await log.readStream(stream));
          expect(read.map((e) => e.revision)).toEqual(read.map((_, i) => BigInt(i)));
          // Each batch's events stay adjacent: an append is atomic with respect to its stream.
          for (const b of batches.filter((x) => x.stream === stream)) {
            const at = read.findIndex((e) => e.id === b.events[0]!.id);
            expect(read[at + 1]!.id).toBe(b.events[1]!.id);
          }
        }
        expect(await readAll(log)).toHaveLength(batches.length * 2);
      }));
  });
}
