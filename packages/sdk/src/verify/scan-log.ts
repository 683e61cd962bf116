// Reading the whole log in order, a batch at a time, so commands over a large log keep memory flat.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, RecordedEvent } from '@cairn/eventlog';

export const SCAN_BATCH = 2000;

export async function* scanLog(
  log: EventLog,
  batch = SCAN_BATCH,
): AsyncGenerator<E.Either<EventLogError & { readonly after: bigint | null }, readonly RecordedEvent[]>> {
  let after: bigint | null = null;
  for (;;) {
    let read: E.Either<EventLogError, readonly RecordedEvent[]>;
    try {
      read = await log.readAll({ after, limit: batch });
    } catch (cause) {
      read = E.left({ _tag: 'Unavailable', reason: cause instanceof Error ? cause.message : String(cause), cause });
    }
    if (E.isLeft(read)) {
      yield E.left({ ...read.left, after });
      return;
    }
    if (read.right.length === 0) return;
    yield E.right(read.right);
    after = read.right[read.right.length - 1]!.position;
    if (read.right.length < batch) return;
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
