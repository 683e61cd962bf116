// Reading the whole log in order, a batch at a time, so commands over a large log keep memory flat.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, RecordedEvent } from '@cairn/eventlog';

export const SCAN_BATCH = 2000;

type ScanRead = E.Either<EventLogError, readonly RecordedEvent[]>;

/** One read of `batch` events after `after`; never rejects (a throw becomes Unavailable). */
async function readBatch(log: EventLog, after: bigint | null, batch: number): Promise<ScanRead> {
  try {
    return await log.readAll({ after, limit: batch });
  } catch (cause) {
    return E.left({ _tag: 'Unavailable', reason: cause instanceof Error ? cause.message : String(cause), cause });
  }
}

/**
 * The log's batches in order. While the caller works on one batch the next is already being read:
 * an embedded log reads on its own thread and a server log on its own machine, so reading and
 * checking overlap instead of taking turns. At most two batches are held. A caller that stops early
 * leaves one read in flight, which settles on its own (readBatch never rejects).
 */
export async function* scanLog(
  log: EventLog,
  batch = SCAN_BATCH,
): AsyncGenerator<E.Either<EventLogError & { readonly after: bigint | null }, readonly RecordedEvent[]>> {
  let after: bigint | null = null;
  let next = readBatch(log, after, batch);
  for (;;) {
    const read = await next;
    if (E.isLeft(read)) {
      yield E.left({ ...read.left, after });
      return;
    }
    if (read.right.length === 0) return;
    const last = read.right[read.right.length - 1]!.position;
    const more = read.right.length === batch;
    if (more) next = readBatch(log, last, batch);
    yield E.right(read.right);
    after = last;
    if (!more) return;
  }
}

export async function countEvents(log: EventLog): Promise<E.Either<EventLogError, number>> {
  // Counted where the events are stored when the adapter can; reading them all is the fallback.
  if (log.count !== undefined) return log.count();
  let n = 0;
  for await (const batch of scanLog(log, 10_000)) {
    if (E.isLeft(batch)) return batch;
    n += batch.right.length;
  }
  return E.right(n);
}
