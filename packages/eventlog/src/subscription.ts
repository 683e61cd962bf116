// Catch-up then live, by polling `readAll` from the last delivered position. It is gap-free and
// duplicate-free only because every adapter guarantees that a reader never sees position P
// before every committed position below P (see the README's "ordering" section). A wake-up
// signal (in-process emitter, LISTEN/NOTIFY) makes live delivery prompt; the idle poll is the
// safety net for a missed signal.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLogError, LogPosition, LogSubscription, RecordedEvent, SubscribeOptions } from './port.js';

export interface PollingSource {
  readPage(after: LogPosition | null, limit: number): Promise<E.Either<EventLogError, readonly RecordedEvent[]>>;
  /** Registers a wake-up listener; returns its removal. */
  onAppend(listener: () => void): () => void;
  readonly idleMs: number;
}

/** Raised from the iterator when the log stays unavailable; carries the port's error value. */
export class SubscriptionFailed extends Error {
  constructor(readonly error: EventLogError) {
    super(`event log subscription failed: ${error._tag}${error._tag === 'Unavailable' ? ` (${error.reason})` : ''}`);
    this.name = 'SubscriptionFailed';
  }
}

const MAX_FAILURES = 8;
const DEFAULT_BATCH = 500;

export function pollingSubscription(source: PollingSource, options: SubscribeOptions = {}): LogSubscription {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('subscribe: batchSize must be a positive integer');
  let closed = false;
  let signalled = false;
  let wake: (() => void) | undefined;
  const unlisten = source.onAppend(() => {
    signalled = true;
    wake?.();
  });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function* iterate(): AsyncGenerator<RecordedEvent> {
    let after = options.after ?? null;
    let failures = 0;
    try {
      while (!closed) {
        signalled = false;
        const page = await source.readPage(after, batchSize);
        if (E.isLeft(page)) {
          if (page.left._tag !== 'Unavailable' || ++failures > MAX_FAILURES) throw new SubscriptionFailed(page.left);
          await pause(Math.min(50 * 2 ** failures, 5000));
          continue;
        }
        failures = 0;
        for (const event of page.right) {
          if (closed) return;
          after = event.position;
          yield event;
        }
        if (page.right.length < batchSize && !signalled && !closed) await pause(source.idleMs);
      }
    } finally {
      unlisten();
    }
  }

  const iterator = iterate();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      closed = true;
      unlisten();
      wake?.();
    },
  };
}

/** A minimal in-process wake-up signal for adapters whose writers live in this process. */
export function appendSignal(): { notify(): void; onAppend(listener: () => void): () => void } {
  const listeners = new Set<() => void>();
  return {
    notify: () => listeners.forEach((l) => l()),
    onAppend: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
