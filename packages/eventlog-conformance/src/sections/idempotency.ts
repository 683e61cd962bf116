import { describe, expect, it } from '@jest/globals';
import { ExpectedRevision, type EventLog } from '@cairn/eventlog';
import { left, newEvent, readAll, right, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory, ConformanceOptions } from '../subject.js';

export function idempotency(factory: ConformanceFactory, options: ConformanceOptions): void {
  const withLog = (body: (log: EventLog) => Promise<void>) => () => withSubject(factory, (s) => body(s.log));

  describe('idempotent re-append and duplicate ids', () => {
    it(
      'given a CF appended to cf-<id> with no-stream, when the same append is replayed (with no-stream, any or a stale exact), then it is a no-op reporting the original position',
      withLog(async (log) => {
        const cf = newEvent('SampleContributed', { contentHash: 'ab'.repeat(32), license: 'MIT' }, { via: 'sdk' });
        const stream = `cf-${cf.id}`;
        const first = right(await log.append({ stream, events: [cf], expectedRevision: ExpectedRevision.noStream }));
        expect(first.alreadyAppended).toBe(false);
        right(await log.append({ stream: uniqueStream(), events: [newEvent()] }));
        const before = await readAll(log);
        for (const expectedRevision of [ExpectedRevision.noStream, ExpectedRevision.any, ExpectedRevision.exact(7n)]) {
          // Same content, keys in another order: equality is by canonical JSON, not by bytes given.
          const replay = { ...cf, data: { license: 'MIT', contentHash: 'ab'.repeat(32) } };
          const again = right(await log.append({ stream, events: [replay], expectedRevision }));
          expect(again).toEqual({ nextExpectedRevision: 0n, position: first.position, alreadyAppended: true });
        }
        expect(await readAll(log)).toEqual(before);
      }),
    );

    it(
      'given an event followed by 1,000 more in its stream, when it is appended again (with any or a stale exact), then it is a no-op reporting its original position',
      withLog(async (log) => {
        const stream = uniqueStream('contributor');
        const first = newEvent('ContributorRegistered', { n: 0 });
        const original = right(await log.append({ stream, events: [first] }));
        for (let i = 0; i < 10; i++) right(await log.append({ stream, events: Array.from({ length: 100 }, () => newEvent()) }));
        for (const expectedRevision of [ExpectedRevision.any, ExpectedRevision.exact(0n)]) {
          const again = right(await log.append({ stream, events: [first], expectedRevision }));
          expect(again).toEqual({ nextExpectedRevision: 1000n, position: original.position, alreadyAppended: true });
        }
        expect(right(await log.readStream(stream))).toHaveLength(1001);
      }),
    );

    it(
      'given an event, when an event with the same id but different data, type or metadata is appended, then DuplicateEventConflict and nothing is written',
      withLog(async (log) => {
        const original = newEvent('LabelContributed', { label: 'cat' }, { m: 1 });
        const stream = uniqueStream();
        right(await log.append({ stream, events: [original] }));
        const variants = [
          { ...original, data: { label: 'dog' } },
          { ...original, type: 'ValidationContributed' },
          { ...original, metadata: { m: 2 } },
          { id: original.id, type: original.type, data: original.data },
        ];
        for (const variant of variants) {
          expect(left(await log.append({ stream, events: [variant] }))).toEqual({
            _tag: 'DuplicateEventConflict',
            eventId: original.id,
            stream,
            existingStream: stream,
          });
        }
        expect(await readAll(log)).toHaveLength(1);
      }),
    );

    ((options.globalIdIndex ?? true) ? it : it.skip)(
      'given an event in one stream, when the identical event is appended to another stream, then DuplicateEventConflict names both streams',
      withLog(async (log) => {
        const event = newEvent();
        const home = uniqueStream();
        const elsewhere = uniqueStream();
        right(await log.append({ stream: home, events: [event] }));
        expect(left(await log.append({ stream: elsewhere, events: [event] }))).toEqual({
          _tag: 'DuplicateEventConflict',
          eventId: event.id,
          stream: elsewhere,
          existingStream: home,
        });
        expect(right(await log.readStream(elsewhere))).toEqual([]);
      }),
    );

    it(
      'given a stream with events a and b, when appending [b, c] (a partly present batch), then DuplicateEventConflict on b and c is not written',
      withLog(async (log) => {
        const [a, b, c] = [newEvent(), newEvent(), newEvent()];
        const stream = uniqueStream();
        right(await log.append({ stream, events: [a!, b!] }));
        expect(left(await log.append({ stream, events: [b!, c!] }))).toMatchObject({ _tag: 'DuplicateEventConflict', eventId: b!.id });
        expect(right(await log.readByIds([c!.id]))).toEqual([]);
      }),
    );
  });

  describe('appendMany', () => {
    it(
      'given many cf streams, when appended in one appendMany, then each result matches its request and replaying the batch is a no-op',
      withLog(async (log) => {
        const cfs = Array.from({ length: 50 }, () => newEvent());
        const requests = cfs.map((e) => ({ stream: `cf-${e.id}`, events: [e], expectedRevision: ExpectedRevision.noStream }));
        const results = right(await log.appendMany(requests));
        expect(results).toHaveLength(50);
        const all = await readAll(log);
        expect(all.map((e) => e.id)).toEqual(cfs.map((e) => e.id));
        expect(results.map((r) => r.position)).toEqual(all.map((e) => e.position));
        const replay = right(await log.appendMany(requests));
        expect(replay.every((r) => r.alreadyAppended)).toBe(true);
        expect(await readAll(log)).toHaveLength(50);
      }),
    );

    // Batches in which every request expects "no stream" (bulk ingest of cf-<id> streams) may
    // be decided by the store's own keys; every outcome must still be the planner's.
    describe('when every request of the batch expects no stream', () => {
      const cfRequest = (event = newEvent()) => ({
        stream: `cf-${event.id}`,
        events: [event],
        expectedRevision: ExpectedRevision.noStream,
      });

      it(
        'given one cf already stored, when a batch replays it among new cfs, then it reports that one as already appended and writes the rest once',
        withLog(async (log) => {
          const stored = cfRequest();
          const first = right(await log.append(stored));
          const fresh = [cfRequest(), cfRequest()];
          const results = right(await log.appendMany([fresh[0]!, stored, fresh[1]!]));
          expect(results.map((r) => r.alreadyAppended)).toEqual([false, true, false]);
          expect(results[1]).toEqual({ nextExpectedRevision: 0n, position: first.position, alreadyAppended: true });
          const all = await readAll(log);
          expect(all.map((e) => e.id)).toEqual([stored, ...fresh].map((r) => r.events[0]!.id));
          expect(results.filter((r) => !r.alreadyAppended).map((r) => r.position)).toEqual(all.slice(1).map((e) => e.position));
        }),
      );

      if (options.atomicAppendMany ?? true) {
        it(
          'given an existing stream, when a batch of no-stream requests includes it, then WrongExpectedRevision names it and nothing is written',
          withLog(async (log) => {
            const existing = uniqueStream();
            right(await log.append({ stream: existing, events: [newEvent(), newEvent()] }));
            const before = await readAll(log);
            const batch = [
              cfRequest(),
              { stream: existing, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
              cfRequest(),
            ];
            expect(left(await log.appendMany(batch))).toMatchObject({ _tag: 'WrongExpectedRevision', stream: existing, actual: 1n });
            expect(await readAll(log)).toEqual(before);
          }),
        );

        it(
          'given the same new stream twice in one no-stream batch, when appended, then the second is WrongExpectedRevision and nothing is written',
          withLog(async (log) => {
            const stream = uniqueStream();
            const batch = [
              cfRequest(),
              { stream, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
              { stream, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
            ];
            expect(left(await log.appendMany(batch))).toMatchObject({ _tag: 'WrongExpectedRevision', stream, actual: 0n });
            expect(await readAll(log)).toEqual([]);
          }),
        );

        it(
          'given a stored event, when a no-stream batch carries its id with other content, then DuplicateEventConflict and nothing is written',
          withLog(async (log) => {
            const stored = newEvent();
            const home = uniqueStream();
            right(await log.append({ stream: home, events: [stored] }));
            const changed = { ...stored, data: { changed: true } };
            const result = await log.appendMany([
              cfRequest(),
              { stream: home, events: [changed], expectedRevision: ExpectedRevision.noStream },
            ]);
            expect(left(result)).toMatchObject({ _tag: 'DuplicateEventConflict', eventId: stored.id });
            expect(await readAll(log)).toHaveLength(1);
          }),
        );
      }
    });

    it(
      'given two requests to the same stream in one batch, when appended, then the second sees the first (revisions continue)',
      withLog(async (log) => {
        const stream = uniqueStream('dataset');
        const results = right(
          await log.appendMany([
            { stream, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
            { stream, events: [newEvent(), newEvent()], expectedRevision: ExpectedRevision.exact(0n) },
          ]),
        );
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([0n, 2n]);
      }),
    );

    if (options.atomicAppendMany ?? true) {
      it(
        'given a batch whose middle request has a wrong expected revision, when appended, then nothing of the batch is written',
        withLog(async (log) => {
          const existing = uniqueStream();
          right(await log.append({ stream: existing, events: [newEvent()] }));
          const before = await readAll(log);
          const requests = [
            { stream: uniqueStream(), events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
            { stream: existing, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
            { stream: uniqueStream(), events: [newEvent()] },
          ];
          expect(left(await log.appendMany(requests))).toMatchObject({ _tag: 'WrongExpectedRevision', stream: existing, actual: 0n });
          expect(await readAll(log)).toEqual(before);
          expect(right(await log.readStream(requests[0]!.stream))).toEqual([]);
        }),
      );

      it(
        'given a batch whose last request conflicts with a stored id, when appended, then nothing of the batch is written',
        withLog(async (log) => {
          const stored = newEvent();
          right(await log.append({ stream: uniqueStream(), events: [stored] }));
          const fresh = newEvent();
          const result = await log.appendMany([
            { stream: uniqueStream(), events: [fresh] },
            { stream: uniqueStream(), events: [{ ...stored, data: { changed: true } }] },
          ]);
          expect(left(result)._tag).toBe('DuplicateEventConflict');
          expect(right(await log.readByIds([fresh.id]))).toEqual([]);
        }),
      );
    } else {
      it(
        'given a batch that stops at a wrong expected revision, when the fixed batch is retried, then it completes without duplicating the written part',
        withLog(async (log) => {
          const blocked = uniqueStream();
          right(await log.append({ stream: blocked, events: [newEvent()] }));
          const first = { stream: uniqueStream(), events: [newEvent()], expectedRevision: ExpectedRevision.noStream };
          const last = { stream: blocked, events: [newEvent()], expectedRevision: ExpectedRevision.noStream };
          expect(left(await log.appendMany([first, last]))._tag).toBe('WrongExpectedRevision');
          const retried = right(await log.appendMany([first, { ...last, expectedRevision: ExpectedRevision.exact(0n) }]));
          expect(retried.map((r) => r.alreadyAppended)).toEqual([true, false]);
          expect(right(await log.readStream(first.stream))).toHaveLength(1);
        }),
      );
    }
  });
}
