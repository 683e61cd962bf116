// What every reader may rely on: a batch is never seen in part, a reader polling from its last
// position never skips an event that commits late, and an event reads the same
// (position included) through readAll, readStream, readByIds and a subscription, also for a
// user who may only read (EventStoreDB keeps $all for admins: the adapter must not need it).
import { describe, expect, it } from '@jest/globals';
import { ExpectedRevision, type AppendRequest, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import { collect, newEvent, readAll, right, sleep, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory, ConformanceOptions, ReaderLog } from '../subject.js';

const shape = (e: RecordedEvent) => ({ id: e.id, stream: e.stream, revision: e.revision, position: e.position, data: e.data });

export function readers(factory: ConformanceFactory, options: ConformanceOptions): void {
  const { writers, rounds } = options.pollingLoad ?? { writers: 8, rounds: 12 };

  describe('readers', () => {
    it('given cross-stream batches appended while a reader polls, when every snapshot is checked, then each batch is in it whole or not at all', () =>
      withSubject(factory, async ({ log }) => {
        const shared = uniqueStream('dataset');
        const batches: AppendRequest[][] = Array.from({ length: 12 }, () => [
          { stream: `cf-${newEvent().id}`, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
          { stream: uniqueStream('asset'), events: [newEvent(), newEvent()] },
          { stream: shared, events: [newEvent()] },
          { stream: uniqueStream('run'), events: [newEvent()] },
        ]);
        const snapshots: Set<string>[] = [];
        let writing = true;
        const watcher = (async () => {
          while (writing) {
            snapshots.push(new Set((await readAll(log)).map((e) => e.id)));
            await sleep(1);
          }
        })();
        for (const batch of batches) {
          right(await log.appendMany(batch));
          await sleep(1);
        }
        writing = false;
        await watcher;
        snapshots.push(new Set((await readAll(log)).map((e) => e.id)));
        const partial = snapshots.flatMap((seen, s) =>
          batches.flatMap((batch, b) => {
            const ids = batch.flatMap((r) => r.events.map((e) => e.id));
            const present = ids.filter((id) => seen.has(id)).length;
            return present === 0 || present === ids.length ? [] : [`snapshot ${s}: batch ${b} has ${present} of ${ids.length}`];
          }),
        );
        expect(partial).toEqual([]);
        expect(snapshots[snapshots.length - 1]!.size).toBe(batches.length * 5);
      }));

    it(`given ${writers} writers appending at once while readers poll from their last seen position, then no reader ever skips an event: each sees the whole log in order`, () =>
      withSubject(factory, async ({ log }) => {
        // A reader that saw position N+1 before N was visible moves its cursor past N and never
        // reads N: its collected events then differ from the final log.
        const writer = async (w: number) => {
          const own = uniqueStream(`writer-${w}`);
          right(await log.append({ stream: own, events: [newEvent()], expectedRevision: ExpectedRevision.noStream }));
          for (let i = 0; i < rounds; i++) {
            right(await log.append({ stream: `cf-${newEvent().id}`, events: [newEvent()], expectedRevision: ExpectedRevision.noStream }));
            right(
              await log.append({ stream: own, events: [newEvent(), newEvent()], expectedRevision: ExpectedRevision.exact(BigInt(2 * i)) }),
            );
            right(
              await log.appendMany([
                { stream: uniqueStream('asset'), events: [newEvent()] },
                { stream: uniqueStream('run'), events: [newEvent()] },
              ]),
            );
          }
        };
        let writing = true;
        const poller = async () => {
          const seen: RecordedEvent[] = [];
          let after: bigint | null = null;
          for (;;) {
            const done = !writing;
            const page: readonly RecordedEvent[] = right(await log.readAll({ after, limit: 50 }));
            seen.push(...page);
            if (page.length > 0) after = page[page.length - 1]!.position;
            else if (done) return seen;
            else await sleep(0);
          }
        };
        const pollers = [poller(), poller()];
        try {
          await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
        } finally {
          writing = false;
        }
        const all = (await readAll(log)).map((e) => `${e.position}:${e.id}`);
        expect(all).toHaveLength(writers * (1 + rounds * 5));
        for (const seen of await Promise.all(pollers)) expect(seen.map((e) => `${e.position}:${e.id}`)).toEqual(all);
      }));

    it('given a cross-stream batch, when a read-only user reads it every way, then every read works and each event carries the same position in each', () =>
      withSubject(factory, async (subject) => {
        const batch = [
          { stream: `cf-${newEvent().id}`, events: [newEvent()], expectedRevision: ExpectedRevision.noStream },
          { stream: uniqueStream('contributor'), events: [newEvent(), newEvent('LabelContributed', { l: 1 }, { m: true })] },
        ];
        const results = right(await subject.log.appendMany(batch));
        const reader: ReaderLog = options.reader ? await options.reader(subject) : { log: subject.log, close: async () => undefined };
        try {
          const log: EventLog = reader.log;
          const all = await readAll(log);
          expect(all).toHaveLength(3);
          for (const event of all) expect(typeof event.position).toBe('bigint');
          expect(results.map((r) => r.position)).toEqual([all[0]!.position, all[2]!.position]);
          expect(right(await log.head())).toBe(all[2]!.position);
          const viaStreams = [...right(await log.readStream(batch[0]!.stream)), ...right(await log.readStream(batch[1]!.stream))];
          expect(viaStreams.map(shape)).toEqual(all.map(shape));
          expect(right(await log.readByIds(all.map((e) => e.id))).map(shape)).toEqual(all.map(shape));
          expect((await collect(log.subscribe(), 3)).map(shape)).toEqual(all.map(shape));
        } finally {
          await reader.close();
        }
      }));
  });
}
