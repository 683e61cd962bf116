// scanLog: the whole log in order, a batch at a time, with the next batch read while the caller
// works on the current one (reading and checking overlap: verify, tree heads, run facts).
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from '@jest/globals';
import { createInMemoryEventLog, type EventLog, type ReadAllOptions } from '@cairn/eventlog';
import { scanLog } from './scan-log.js';

/** A log of `n` events on one stream; each its own id (the SHA-256 of its number). */
async function logOf(n: number): Promise<EventLog> {
  const log = createInMemoryEventLog();
  const events = Array.from({ length: n }, (_, i) => ({
    id: createHash('sha256').update(String(i)).digest('hex'),
    type: 'Noted',
    data: { n: i },
  }));
  const appended = await log.append({ stream: 'notes', events });
  if (E.isLeft(appended)) throw new Error(`append failed: ${appended.left._tag}`);
  return log;
}

/** `log`, recording where each read starts (`after`), in the order the reads are issued. */
function recorded(log: EventLog, fail?: (options: ReadAllOptions | undefined) => boolean) {
  const reads: (bigint | null)[] = [];
  const read: EventLog = {
    ...log,
    readAll: async (options) => {
      reads.push(options?.after ?? null);
      if (fail?.(options)) throw new Error('disk gone');
      return log.readAll(options);
    },
  };
  return { read, reads };
}

describe('scanLog', () => {
  it('given five events read two at a time, hands them over once each in log order', async () => {
    const { read } = recorded(await logOf(5));
    const seen: number[] = [];
    for await (const batch of scanLog(read, 2)) {
      if (E.isLeft(batch)) throw new Error(batch.left._tag);
      for (const e of batch.right) seen.push((e.data as { n: number }).n);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('when the caller holds a batch, the read of the next one has already been issued', async () => {
    const { read, reads } = recorded(await logOf(5));
    const issuedWhileHeld: number[] = [];
    for await (const batch of scanLog(read, 2)) {
      if (E.isLeft(batch)) throw new Error(batch.left._tag);
      issuedWhileHeld.push(reads.length);
    }
    // Holding batch 1 (events 1-2), batch 2 is being read; holding batch 2, batch 3; batch 3 is short: the end.
    expect(issuedWhileHeld).toEqual([2, 3, 3]);
    expect(reads).toEqual([null, 2n, 4n]);
  });

  it('when the read after the first batch fails, the failure comes after that batch and names where it read from', async () => {
    const { read } = recorded(await logOf(5), (options) => options?.after === 2n);
    const got: string[] = [];
    for await (const batch of scanLog(read, 2)) {
      got.push(E.isLeft(batch) ? `${batch.left._tag} after ${String(batch.left.after)}` : `${batch.right.length} events`);
    }
    expect(got).toEqual(['2 events', 'Unavailable after 2']);
  });

  it('a caller that stops after the first batch leaves no failure behind, even when the read in flight fails', async () => {
    const { read, reads } = recorded(await logOf(5), (options) => options?.after === 2n);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for await (const batch of scanLog(read, 2)) {
        expect(E.isRight(batch)).toBe(true);
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(reads).toEqual([null, 2n]);
    expect(unhandled).toEqual([]);
  });
});
