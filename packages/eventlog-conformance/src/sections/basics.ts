import { describe, expect, it } from '@jest/globals';
import { CanonicalJson } from '@cairn/core';
import { ExpectedRevision, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import { eventId, left, newEvent, readAll, right, uniqueStream, withSubject } from '../fixtures.js';
import type { ConformanceFactory } from '../subject.js';

function canonical(value: unknown): CanonicalJson {
  const made = CanonicalJson.of(value);
  if (made._tag === 'Left') throw new Error(made.left.reason);
  return made.right;
}

export function basics(factory: ConformanceFactory): void {
  const withLog = (body: (log: EventLog) => Promise<void>) => () => withSubject(factory, (s) => body(s.log));

  describe('global order', () => {
    it(
      'given appends to several streams, when reading all, then events come back in append order with increasing positions',
      withLog(async (log) => {
        expect(right(await log.head())).toBeNull();
        const streams = [uniqueStream(), uniqueStream(), uniqueStream()];
        const written = [];
        for (let i = 0; i < 9; i++) {
          const event = newEvent();
          const result = right(await log.append({ stream: streams[i % 3]!, events: [event] }));
          written.push({ event, position: result.position });
        }
        const all = await readAll(log);
        expect(all.map((e) => e.id)).toEqual(written.map((w) => w.event.id));
        expect(all.map((e) => e.position)).toEqual(written.map((w) => w.position));
        for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
        expect(right(await log.head())).toBe(all[all.length - 1]!.position);
      }),
    );

    it(
      'given a log of 10 events, when paging with after and limit, then the pages tile the log exactly',
      withLog(async (log) => {
        const stream = uniqueStream('dataset');
        right(await log.append({ stream, events: Array.from({ length: 10 }, () => newEvent()) }));
        const all = await readAll(log);
        const pages = [];
        let after: bigint | null = null;
        for (;;) {
          const page: readonly RecordedEvent[] = right(await log.readAll({ after, limit: 3 }));
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          pages.push(...page);
          after = page[page.length - 1]!.position;
        }
        expect(pages.map((e) => e.id)).toEqual(all.map((e) => e.id));
      }),
    );
  });

  describe('canonical data handed over', () => {
    it(
      'given events whose canonical JSON the caller already made, when appended and read, then each reads back as its data',
      withLog(async (log) => {
        const data = { z: 1, a: ['x', { c: null, b: 'é' }] };
        const made = canonical(data);
        const event = { ...newEvent('SampleContributed', data), canonicalData: made };
        const stream = uniqueStream();
        right(await log.append({ stream, events: [event] }));
        expect(right(await log.readStream(stream))[0]!.data).toEqual(data);
      }),
    );

    it(
      "given canonical JSON made from another value, when appended, then the log stores the event's own data",
      withLog(async (log) => {
        const data = { label: 'mine' };
        const event = { ...newEvent('SampleContributed', data), canonicalData: canonical({ label: 'someone else' }) };
        const stream = uniqueStream();
        right(await log.append({ stream, events: [event] }));
        expect(right(await log.readStream(stream))[0]!.data).toEqual({ label: 'mine' });
      }),
    );

    it(
      'given an appended event, when read back by any read, then storedData is the canonical JSON of its data (what verify compares)',
      withLog(async (log) => {
        const data = { z: 1, a: ['x', { c: null, b: 'é' }], n: 1.5 };
        const event = newEvent('SampleContributed', data);
        const stream = uniqueStream();
        right(await log.append({ stream, events: [event] }));
        const text = canonical(data).text;
        expect(right(await log.readStream(stream))[0]!.storedData).toBe(text);
        expect((await readAll(log)).find((e) => e.id === event.id)!.storedData).toBe(text);
      }),
    );
  });

  describe('readStream', () => {
    it(
      'given a stream of 5 events among others, when reading it, then it has revisions 0..4 and honours fromRevision and limit',
      withLog(async (log) => {
        const stream = uniqueStream('asset');
        const events = Array.from({ length: 5 }, () => newEvent('AssetAssembled'));
        right(await log.append({ stream, events: events.slice(0, 2) }));
        right(await log.append({ stream: uniqueStream(), events: [newEvent()] }));
        right(await log.append({ stream, events: events.slice(2) }));
        const read = right(await log.readStream(stream));
        expect(read.map((e) => [e.id, e.revision, e.stream])).toEqual(events.map((e, i) => [e.id, BigInt(i), stream]));
        expect(right(await log.readStream(stream, { fromRevision: 2n, limit: 2 })).map((e) => e.revision)).toEqual([2n, 3n]);
        expect(right(await log.readStream(uniqueStream()))).toEqual([]);
      }),
    );

    it(
      'given an event with nested data and metadata, when read back, then type, data and metadata are deep-equal and recordedAt is a date',
      withLog(async (log) => {
        const data = { z: [1, 2.5, -3, 'ünïcødé ✓ 𝄞', null, true, { b: {}, a: [] }], a: 'line\nbreak "quoted"', n: 1e21 };
        const withMeta = newEvent('LabelContributed', data, { traceId: 'abc', nested: { k: [1] } });
        const withoutMeta = newEvent('LabelContributed', { only: 'data' });
        const stream = uniqueStream();
        right(await log.append({ stream, events: [withMeta, withoutMeta] }));
        const [a, b] = right(await log.readStream(stream));
        expect(a).toMatchObject({ id: withMeta.id, type: 'LabelContributed', data, metadata: withMeta.metadata });
        expect(b!.metadata).toBeUndefined();
        expect(b!.data).toEqual({ only: 'data' });
        expect(a!.recordedAt).toBeInstanceOf(Date);
        expect(Number.isNaN(a!.recordedAt.getTime())).toBe(false);
      }),
    );
    it(
      'given stream names and event types holding quotes, backslashes, braces, commas, control characters and U+001E, when appended in one batch to new streams and to an existing one, then each reads back exactly',
      withLog(async (log) => {
        const odd = ['a "quoted", {braced} name', 'back\\slash\\', 'tab\tand\nnewline', 'record\u001eseparator', 'NULL', ' spaced '];
        const prefix = uniqueStream();
        const fresh = odd.map((name, i) => ({ stream: `${prefix}/${name}`, event: newEvent(`Type ${name}`, { i }) }));
        right(
          await log.appendMany(fresh.map((f) => ({ stream: f.stream, events: [f.event], expectedRevision: ExpectedRevision.noStream }))),
        );
        const more = odd.map((name, i) => newEvent(`More ${name}`, { i }));
        right(await log.append({ stream: fresh[3]!.stream, events: more, expectedRevision: ExpectedRevision.exact(0n) }));
        for (const f of fresh) {
          const read = right(await log.readStream(f.stream));
          expect(read[0]).toMatchObject({ id: f.event.id, stream: f.stream, type: f.event.type, revision: 0n });
        }
        const appended = right(await log.readStream(fresh[3]!.stream, { fromRevision: 1n }));
        expect(appended.map((e) => [e.type, e.revision])).toEqual(more.map((e, i) => [e.type, BigInt(i + 1)]));
      }),
    );
  });

  describe('readByIds', () => {
    it(
      'given events in several streams, when reading many ids including unknown and repeated ones, then each present event comes back once in log order',
      withLog(async (log) => {
        const events = Array.from({ length: 30 }, () => newEvent());
        right(
          await log.appendMany(events.map((e) => ({ stream: `cf-${e.id}`, events: [e], expectedRevision: ExpectedRevision.noStream }))),
        );
        const wanted = [events[20]!.id, eventId('missing'), events[3]!.id, events[20]!.id, events[29]!.id];
        const found = right(await log.readByIds(wanted));
        expect(found.map((e) => e.id)).toEqual([events[3]!.id, events[20]!.id, events[29]!.id]);
        expect(found[1]!.stream).toBe(`cf-${events[20]!.id}`);
        expect(right(await log.readByIds([]))).toEqual([]);
      }),
    );

    it(
      'given a stored event, when reading by strings that are not its id (its uppercase hex, a prefix, not hex at all), then none of them finds it and the read still answers',
      withLog(async (log) => {
        const event = newEvent();
        right(await log.append({ stream: `cf-${event.id}`, events: [event], expectedRevision: ExpectedRevision.noStream }));
        const notIds = [event.id.toUpperCase(), event.id.slice(0, 62), 'zz'.repeat(32), `${event.id}00`, ''];
        expect(right(await log.readByIds(notIds))).toEqual([]);
        expect(right(await log.readByIds([...notIds, event.id])).map((e) => e.id)).toEqual([event.id]);
      }),
    );
  });

  describe('expected revision', () => {
    it(
      'given a new stream, when appending with no-stream, then it succeeds at revision 0; again with no-stream, then WrongExpectedRevision with actual 0',
      withLog(async (log) => {
        const stream = uniqueStream();
        expect(
          right(await log.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.noStream })).nextExpectedRevision,
        ).toBe(0n);
        expect(left(await log.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.noStream }))).toEqual({
          _tag: 'WrongExpectedRevision',
          stream,
          expected: ExpectedRevision.noStream,
          actual: 0n,
        });
      }),
    );

    it(
      'given no stream, when appending with stream-exists, then WrongExpectedRevision with actual no-stream; once it exists, then it succeeds',
      withLog(async (log) => {
        const stream = uniqueStream('contributor');
        expect(left(await log.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.streamExists }))).toMatchObject({
          _tag: 'WrongExpectedRevision',
          actual: 'no-stream',
        });
        right(await log.append({ stream, events: [newEvent()] }));
        expect(
          right(await log.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.streamExists })).nextExpectedRevision,
        ).toBe(1n);
      }),
    );

    it(
      'given a stream at revision 2, when appending with exact(2), then it succeeds; with exact(1) or exact(5), then WrongExpectedRevision with actual 3',
      withLog(async (log) => {
        const stream = uniqueStream('run');
        right(await log.append({ stream, events: [newEvent(), newEvent(), newEvent()] }));
        const ok = right(await log.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.exact(2n) }));
        expect(ok).toMatchObject({ nextExpectedRevision: 3n, alreadyAppended: false });
        for (const wrong of [1n, 5n]) {
          expect(left(await log.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.exact(wrong) }))).toMatchObject({
            _tag: 'WrongExpectedRevision',
            actual: 3n,
          });
        }
        expect(right(await log.readStream(stream))).toHaveLength(4);
      }),
    );

    it(
      'given any stream state, when appending with any, then it succeeds',
      withLog(async (log) => {
        const stream = uniqueStream();
        right(await log.append({ stream, events: [newEvent()], expectedRevision: ExpectedRevision.any }));
        expect(right(await log.append({ stream, events: [newEvent()] })).nextExpectedRevision).toBe(1n);
      }),
    );
  });

  describe('invalid input', () => {
    it(
      'given a malformed id, an empty stream, an empty batch or a non-JSON body, when appending, then InvalidEvent names the field and nothing is written',
      withLog(async (log) => {
        const stream = uniqueStream();
        expect(left(await log.append({ stream, events: [{ id: 'ABC', type: 'T', data: {} }] }))).toMatchObject({
          _tag: 'InvalidEvent',
          field: 'events[0].id',
        });
        expect(left(await log.append({ stream, events: [{ id: eventId('x').toUpperCase(), type: 'T', data: {} }] }))).toMatchObject({
          _tag: 'InvalidEvent',
          field: 'events[0].id',
        });
        expect(left(await log.append({ stream: '', events: [newEvent()] }))).toMatchObject({ _tag: 'InvalidEvent', field: 'stream' });
        expect(left(await log.append({ stream, events: [] }))).toMatchObject({ _tag: 'InvalidEvent', field: 'events' });
        const bad = { ...newEvent(), data: { size: Number.NaN } };
        expect(left(await log.append({ stream, events: [newEvent(), bad] }))).toMatchObject({
          _tag: 'InvalidEvent',
          eventId: bad.id,
          field: 'events[1].data',
        });
        const twice = newEvent();
        expect(left(await log.append({ stream, events: [twice, twice] }))).toMatchObject({ _tag: 'InvalidEvent', field: 'events[1].id' });
        expect(await readAll(log)).toEqual([]);
      }),
    );
  });

  describe('stream names', () => {
    it(
      "given streams named after their first event's id, after another event's id, only an id, and with a non-ASCII kind, when read back every way, then each name and its events come back exactly, and expected revisions hold on each",
      withLog(async (log) => {
        const first = [newEvent(), newEvent(), newEvent(), newEvent(), newEvent(), newEvent()];
        const other = newEvent();
        const streams = [
          `cf-${first[0]!.id}`,
          `cf-${other.id}`,
          first[2]!.id,
          `-${first[3]!.id}`,
          `échantillon ✓-${first[4]!.id}`,
          `CF-${first[0]!.id}`,
        ];
        const results = right(
          await log.appendMany(streams.map((stream, k) => ({ stream, expectedRevision: ExpectedRevision.noStream, events: [first[k]!] }))),
        );
        expect(results.map((r) => r.nextExpectedRevision)).toEqual(streams.map(() => 0n));
        // A second event in a stream named after its first: the name no longer ends in this event's id.
        const second = newEvent();
        expect(left(await log.append({ stream: streams[0]!, expectedRevision: ExpectedRevision.noStream, events: [second] }))._tag).toBe(
          'WrongExpectedRevision',
        );
        expect(
          right(await log.append({ stream: streams[0]!, expectedRevision: ExpectedRevision.exact(0n), events: [second] }))
            .nextExpectedRevision,
        ).toBe(1n);
        expect(
          left(await log.append({ stream: streams[0]!, expectedRevision: ExpectedRevision.exact(0n), events: [newEvent()] }))._tag,
        ).toBe('WrongExpectedRevision');

        const expected = [
          ...streams.map((stream, k) => ({ stream, id: first[k]!.id, revision: 0n })),
          { stream: streams[0]!, id: second.id, revision: 1n },
        ];
        const all = await readAll(log);
        expect(all.map((e) => ({ stream: e.stream, id: e.id, revision: e.revision }))).toEqual(expected);
        const byIds = right(await log.readByIds(expected.map((e) => e.id)));
        expect(byIds.map((e) => ({ stream: e.stream, id: e.id, revision: e.revision }))).toEqual(expected);
        for (const stream of streams) {
          const read = right(await log.readStream(stream));
          expect(read.map((e) => ({ stream: e.stream, id: e.id, revision: e.revision }))).toEqual(
            expected.filter((e) => e.stream === stream),
          );
        }
      }),
    );
  });
}
