// The samples check holds a bounded number of sample events at once: the log's pass keeps only
// ids, and the events whose signing bytes open the ciphertexts are read by id, a chunk at a time.
import { describe, expect, it } from '@jest/globals';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createMemoryKeyStore } from './key-store/memory.js';
import { ledgerOn, register, right, signedSamples } from './__tests__/given.js';
import { LoggedSamples, verifySampleStore } from './sample-verify.js';
import { verifyLog } from './verify/verify-log.js';

/** A log that remembers how many ids each read by id asked for, and counts whole-log reads. */
function recordingReads(log: EventLog) {
  const byIds: number[] = [];
  const asked: string[] = [];
  let readAll = 0;
  const recorded = new Proxy(log, {
    get(target, name, receiver) {
      if (name === 'readByIds')
        return (ids: Parameters<EventLog['readByIds']>[0]) => {
          byIds.push(ids.length);
          asked.push(...ids);
          return target.readByIds(ids);
        };
      if (name === 'readAll') return (...a: Parameters<EventLog['readAll']>) => (readAll++, target.readAll(...a));
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { log: recorded, byIds, asked, readAll: () => readAll };
}

describe('the samples check, in bounded chunks', () => {
  it('given five live samples folded in the log check’s pass, when the stores are checked two ciphertexts at a time, then every sample opens and the log is asked for their events by id, at most two at a time and each once', async () => {
    const recorded = recordingReads(createInMemoryEventLog());
    const stores = { log: recorded.log, keys: createMemoryKeyStore(), blobs: createMemoryBlobStore() };
    const ledger = ledgerOn(recorded.log, stores);
    const alice = await register(ledger, 'alice');
    const ids = right(await ledger.ingest(signedSamples(ledger, alice, 'chunked', 0, 5))).map((r) => r.id);
    const logged = new LoggedSamples();
    expect((await verifyLog(recorded.log, undefined, undefined, { samples: logged })).firstBad).toBeNull();
    const readsBefore = recorded.readAll();
    recorded.byIds.length = 0;
    recorded.asked.length = 0;

    const verified = await verifySampleStore(stores, undefined, logged, 2);

    expect(verified).toEqual(
      expect.objectContaining({ right: expect.objectContaining({ samples: 5, keyCopies: 5, blobCopies: 5, problemCount: 0 }) }),
    );
    expect(recorded.byIds).toEqual([2, 2, 1]);
    expect([...recorded.asked].sort()).toEqual([...ids].sort());
    expect(recorded.readAll()).toBe(readsBefore);
  });
});
