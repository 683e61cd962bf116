// The samples check holds a bounded number of sample events at once: the log's pass keeps only
// ids and positions, and the events whose signing bytes open the ciphertexts are read a chunk at a
// time, as a range of the log where a chunk's events lie side by side, by id where they do not.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog, type EventLog, type EventLogError, type RecordedEvent } from '@cairn/eventlog';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createMemoryKeyStore } from './key-store/memory.js';
import { contributeSample, ledgerOn, register, right, signedSamples } from './__tests__/given.js';
import { LoggedSamples, verifySampleStore } from './sample-verify.js';
import { verifyLog } from './verify/verify-log.js';

type Answer = Promise<E.Either<EventLogError, readonly RecordedEvent[]>>;

/** A log that records the reads made of it, and may answer them otherwise than the log would. */
function recordingReads(log: EventLog) {
  const byIds: string[][] = [];
  const ranges: { after: string; limit: number | undefined }[] = [];
  let alter = (events: readonly RecordedEvent[]): readonly RecordedEvent[] => events;
  let fail: 'readAll' | 'readByIds' | undefined;
  const failure: EventLogError = { _tag: 'ConnectionError', reason: 'the log went away' } as unknown as EventLogError;
  const answer = async (read: 'readAll' | 'readByIds', events: Answer): Answer => {
    if (fail === read) return E.left(failure);
    const got = await events;
    return E.isLeft(got) ? got : E.right(alter(got.right));
  };
  const recorded = new Proxy(log, {
    get(target, name, receiver) {
      if (name === 'readByIds')
        return (ids: Parameters<EventLog['readByIds']>[0]) => {
          byIds.push([...ids]);
          return answer('readByIds', target.readByIds(ids));
        };
      if (name === 'readAll')
        return (options: Parameters<EventLog['readAll']>[0]) => {
          ranges.push({ after: String(options?.after ?? null), limit: options?.limit });
          return answer('readAll', target.readAll(options));
        };
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    log: recorded,
    failure,
    /** Forgets the reads so far (the log check's own). */
    reset() {
      byIds.length = 0;
      ranges.length = 0;
    },
    byIds: () => byIds,
    ranges: () => ranges,
    answerWith(f: (events: readonly RecordedEvent[]) => readonly RecordedEvent[]) {
      alter = f;
    },
    failOn(read: 'readAll' | 'readByIds') {
      fail = read;
    },
  };
}

function givenStores() {
  const recorded = recordingReads(createInMemoryEventLog());
  const stores = { log: recorded.log, keys: createMemoryKeyStore(), blobs: createMemoryBlobStore() };
  return { recorded, stores, ledger: ledgerOn(recorded.log, stores) };
}

/** Five samples ingested as one batch: their events lie side by side in the log. */
async function givenOneBatchOfFive() {
  const given = givenStores();
  const alice = await register(given.ledger, 'alice');
  const ids = right(await given.ledger.ingest(signedSamples(given.ledger, alice, 'chunked', 0, 5))).map((r) => r.id);
  return { ...given, ids };
}

/** Four samples contributed one by one, three other events between each and the next. */
async function givenFourScattered() {
  const given = givenStores();
  const alice = await register(given.ledger, 'alice');
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push((await contributeSample(given.ledger, alice, `scattered ${i}`)).id);
    for (let j = 0; j < 3; j++) await register(given.ledger, `between ${i}.${j}`);
  }
  return { ...given, ids };
}

async function foldedInTheLogPass(recorded: ReturnType<typeof recordingReads>): Promise<LoggedSamples> {
  const logged = new LoggedSamples();
  expect((await verifyLog(recorded.log, undefined, undefined, { samples: logged })).firstBad).toBeNull();
  recorded.reset();
  return logged;
}

const clean = (samples: number) =>
  expect.objectContaining({ right: expect.objectContaining({ samples, keyCopies: samples, blobCopies: samples, problemCount: 0 }) });

describe('the samples check, in bounded chunks', () => {
  it('given one batch of five samples folded in the log check’s pass, when the stores are checked five ciphertexts at a time, then the five events are read as one range of the log and none by id', async () => {
    const { recorded, stores } = await givenOneBatchOfFive();
    const logged = await foldedInTheLogPass(recorded);

    const verified = await verifySampleStore(stores, undefined, logged, 5);

    expect(verified).toEqual(clean(5));
    expect(recorded.ranges()).toHaveLength(1);
    expect(recorded.ranges()[0]!.limit).toBe(5);
    expect(recorded.byIds()).toEqual([]);
  });

  it('given one batch of five samples, when checked two ciphertexts at a time, then each pair is read as a range and the one left over by id, each sample once', async () => {
    const { recorded, stores, ids } = await givenOneBatchOfFive();
    const logged = await foldedInTheLogPass(recorded);

    const verified = await verifySampleStore(stores, undefined, logged, 2);

    expect(verified).toEqual(clean(5));
    expect(recorded.ranges().map((r) => r.limit)).toEqual([2, 2]);
    expect(recorded.byIds()).toEqual([[ids[4]]]);
  });

  it('given samples with other events between them, when checked two at a time, then their events are read by id, never as a range mostly of other events', async () => {
    const { recorded, stores, ids } = await givenFourScattered();
    const logged = await foldedInTheLogPass(recorded);

    const verified = await verifySampleStore(stores, undefined, logged, 2);

    expect(verified).toEqual(clean(4));
    expect(recorded.ranges()).toEqual([]);
    expect(recorded.byIds().flat().sort()).toEqual([...ids].sort());
    expect(recorded.byIds().map((asked) => asked.length)).toEqual([2, 2]);
  });

  it('given the samples check reading the log itself, when checked, then it reads the log once from the start and each batch’s events back as a range', async () => {
    const { recorded, stores } = await givenOneBatchOfFive();
    recorded.reset();

    const verified = await verifySampleStore(stores, undefined, undefined, 5);

    expect(verified).toEqual(clean(5));
    expect(recorded.ranges().filter((r) => r.after === 'null')).toHaveLength(1);
    expect(recorded.ranges().filter((r) => r.limit === 5)).toHaveLength(1);
    expect(recorded.byIds()).toEqual([]);
  });

  it('given a range of the log that comes back without one of its samples’ events, when checked, then that event is read by id and every sample still opens', async () => {
    const { recorded, stores, ids } = await givenOneBatchOfFive();
    const logged = await foldedInTheLogPass(recorded);
    recorded.answerWith((events) => (recorded.byIds().length === 0 ? events.filter((e) => e.id !== ids[2]) : events));

    const verified = await verifySampleStore(stores, undefined, logged, 5);

    expect(verified).toEqual(clean(5));
    expect(recorded.byIds()).toEqual([[ids[2]]]);
  });

  it('given a log that answers a sample’s position with an event of another id, when checked, then that event opens nothing: the sample is reported as the log no longer answering for its event', async () => {
    const { recorded, stores, ids } = await givenOneBatchOfFive();
    const logged = await foldedInTheLogPass(recorded);
    const other = 'ee'.repeat(32);
    recorded.answerWith((events) => events.map((e) => (e.id === ids[3] ? { ...e, id: other as RecordedEvent['id'] } : e)));

    const verified = await verifySampleStore(stores, undefined, logged, 5);

    expect(verified).toEqual(
      E.right(
        expect.objectContaining({
          samples: 5,
          problemCount: 1,
          problems: [
            {
              sampleId: ids[3],
              check: 'bytes',
              reason: 'no stored copy of its bytes opens to the logged commitment: the log no longer answers for its event',
            },
          ],
        }),
      ),
    );
  });

  it.each([
    ['a range', givenOneBatchOfFive, 'readAll'],
    ['ids', givenFourScattered, 'readByIds'],
  ] as const)(
    'given a log that fails when its sample events are read by %s, when checked, then the check fails with the log’s error',
    async (_by, given, read) => {
      const { recorded, stores } = await given();
      const logged = await foldedInTheLogPass(recorded);
      recorded.failOn(read);

      const verified = await verifySampleStore(stores, undefined, logged, 5);

      expect(verified).toEqual(E.left(recorded.failure));
    },
  );
});
