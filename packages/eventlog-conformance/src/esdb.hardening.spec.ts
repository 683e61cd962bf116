// The EventStoreDB adapter's findings, held against an in-process fake of the client (no server
// runs here): each test fails on the adapter that wrote request by request, checked the last
// 1,000 events for replays, read $all unfiltered and took positions from stream-read records.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { AccessDeniedError, type EventStoreDBClient } from '@eventstore/db-client';
import {
  createEventStoreDbEventLog,
  ExpectedRevision,
  SubscriptionFailed,
  type AppendRequest,
  type EventLog,
  type RecordedEvent,
} from '@cairn/eventlog';
import { collect, newEvent, right, uniqueStream } from './fixtures.js';
import { FakeEsdbClient, type FakeEsdbOptions } from './__tests__/fake-esdb-client.js';

function open(options: FakeEsdbOptions = {}): { fake: FakeEsdbClient; log: EventLog } {
  const fake = new FakeEsdbClient(options);
  return { fake, log: createEventStoreDbEventLog(fake as unknown as EventStoreDBClient, { idlePollMs: 5 }) };
}

const ids = (events: readonly RecordedEvent[]) => events.map((e) => e.id);
const cfRequest = (): AppendRequest => {
  const event = newEvent();
  return { stream: `cf-${event.id}`, events: [event], expectedRevision: ExpectedRevision.noStream };
};

describe('hardening: EventStoreDB adapter (against a fake client)', () => {
  it('given a batch to three streams and a connection that drops after any number of appends, when readers look and the batch is retried, then they see none or all of it and the retry completes it exactly once', async () => {
    for (let dropAfter = 0; dropAfter <= 8; dropAfter++) {
      const { fake, log } = open({ failAppendsAfter: dropAfter });
      const batch = [cfRequest(), cfRequest(), { stream: uniqueStream('dataset'), events: [newEvent(), newEvent()] }];
      const wanted = batch.flatMap((r) => r.events.map((e) => e.id));
      await log.appendMany(batch);
      fake.options.failAppendsAfter = undefined;
      const seen = ids(right(await log.readAll()));
      expect({ dropAfter, seen: seen.length === 0 ? 'none' : seen }).toEqual({ dropAfter, seen: seen.length === 0 ? 'none' : wanted });
      for (const request of batch) {
        expect(ids(right(await log.readStream(request.stream)))).toEqual(seen.length === 0 ? [] : request.events.map((e) => e.id));
      }
      right(await log.appendMany(batch));
      expect(ids(right(await log.readAll()))).toEqual(wanted);
      for (const request of batch) expect(ids(right(await log.readStream(request.stream)))).toEqual(request.events.map((e) => e.id));
    }
  });

  it('given an event followed by 1,000 more in its stream, when it is appended again, then it is a replay reporting its original position and nothing is written', async () => {
    const { log } = open();
    const stream = uniqueStream('contributor');
    const first = newEvent();
    const original = right(await log.append({ stream, events: [first] }));
    for (let i = 0; i < 10; i++) right(await log.append({ stream, events: Array.from({ length: 100 }, () => newEvent()) }));
    const replay = right(await log.append({ stream, events: [first], expectedRevision: ExpectedRevision.exact(0n) }));
    expect(replay).toEqual({ nextExpectedRevision: 1000n, position: original.position, alreadyAppended: true });
    expect(right(await log.readStream(stream))).toHaveLength(1001);
  });

  describe('subscriptions', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });
    afterEach(() => {
      jest.useRealTimers();
    });

    it('given reads that keep failing, when subscribed, then the iteration ends with SubscriptionFailed carrying the error value, not the driver error', async () => {
      const { log } = open({ failReads: new AccessDeniedError(undefined as never, 'access denied') });
      const subscription = log.subscribe();
      const outcome = (async () => {
        for await (const _event of subscription) return 'delivered';
        return 'ended';
      })().catch((e: unknown) => e);
      for (let i = 0; i < 10; i++) await jest.advanceTimersByTimeAsync(6_000);
      const failure = await outcome;
      expect(failure).toBeInstanceOf(SubscriptionFailed);
      expect((failure as SubscriptionFailed).error).toMatchObject({
        _tag: 'Unavailable',
        reason: expect.stringContaining('access denied'),
      });
    });
  });

  it('given a user who may not read $all, when reading the log every way, then every read works and sees the batch', async () => {
    const { log } = open({ admin: false });
    const batch = [cfRequest(), { stream: uniqueStream('asset'), events: [newEvent(), newEvent()] }];
    right(await log.appendMany(batch));
    const all = right(await log.readAll());
    expect(ids(all)).toEqual(batch.flatMap((r) => r.events.map((e) => e.id)));
    expect(right(await log.head())).toBe(all[all.length - 1]!.position);
    expect(ids(right(await log.readStream(batch[1]!.stream)))).toEqual(batch[1]!.events.map((e) => e.id));
    expect(ids(right(await log.readByIds([batch[0]!.events[0]!.id])))).toEqual([batch[0]!.events[0]!.id]);
    expect(ids(await collect(log.subscribe(), 3))).toEqual(ids(all));
  });

  it('given a server that returns no positions on stream reads, when reading a stream and by id, then each event has the position readAll and the append gave it', async () => {
    const { log } = open({ positionsOnStreamReads: false });
    const request = cfRequest();
    const appended = right(await log.append(request));
    const [fromStream] = right(await log.readStream(request.stream));
    const [fromIds] = right(await log.readByIds([request.events[0]!.id]));
    const [fromAll] = right(await log.readAll());
    expect([fromStream?.position, fromIds?.position]).toEqual([appended.position, appended.position]);
    expect(fromAll!.position).toBe(appended.position);
  });

  it('given a writer that stopped after its log append and before its links, when others read and append, then the event is seen everywhere and its links are completed', async () => {
    const { fake, log } = open({ failAppendsAfter: 1 });
    const request = cfRequest();
    const appended = right(await log.append(request));
    fake.options.failAppendsAfter = undefined;
    expect(fake.stream(request.stream)).toEqual([]);
    expect(ids(right(await log.readStream(request.stream)))).toEqual([request.events[0]!.id]);
    expect(right(await log.append(request))).toEqual({ nextExpectedRevision: 0n, position: appended.position, alreadyAppended: true });
    expect(fake.stream(request.stream).map((r) => r.type)).toEqual(['$>']);
    expect(ids(right(await log.readByIds([request.events[0]!.id])))).toEqual([request.events[0]!.id]);
  });
});
