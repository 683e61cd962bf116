// One read of the log for several rebuilds that run side by side (verify rebuilds every
// projection at once): each rebuild reads through its own view, a batch read by one view is
// handed to the others asking for the same batch, and each event is decoded once for all of them.
// Views that move apart only cost reads again, never a wrong answer: a batch is forgotten once
// every view still reading has taken it, or when more than `window` batches wait for a laggard.
import type { Either } from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, ReadAllOptions, RecordedEvent } from '@cairn/eventlog';
import { defaultEventDecoder, type EventDecoder } from './decode.js';

type Read = Promise<Either<EventLogError, readonly RecordedEvent[]>>;

export interface SharedReadView {
  readonly log: EventLog;
  /** The decoder every view shares: one decode per event read. */
  readonly decode: EventDecoder;
  /** The view reads no more: batches it alone still waited for are dropped. */
  leave(): void;
}

export interface SharedReads {
  view(): SharedReadView;
}

const DEFAULT_WINDOW = 8;

export function sharedReads(log: EventLog, options: { readonly window?: number; readonly decode?: EventDecoder } = {}): SharedReads {
  const window = options.window ?? DEFAULT_WINDOW;
  const decodeOnce = options.decode ?? defaultEventDecoder;
  // Keyed by the stored event's data object, which every view is handed the same of.
  const decoded = new WeakMap<object, ReturnType<EventDecoder>>();
  const decode: EventDecoder = (data) => {
    if (typeof data !== 'object' || data === null) return decodeOnce(data);
    let d = decoded.get(data);
    if (d === undefined) {
      d = decodeOnce(data);
      decoded.set(data, d);
    }
    return d;
  };
  const batches = new Map<string, { readonly read: Read; readonly takenBy: Set<number> }>();
  const reading = new Set<number>();
  let nextView = 0;

  const forgetTaken = () => {
    for (const [key, batch] of batches) if ([...reading].every((v) => batch.takenBy.has(v))) batches.delete(key);
    // Insertion order is read order: the oldest batch goes first.
    for (const key of batches.keys()) {
      if (batches.size <= window) break;
      batches.delete(key);
    }
  };

  const readAll = (viewId: number, options: ReadAllOptions | undefined): Read => {
    const key = `${options?.after ?? ''}:${options?.limit ?? ''}`;
    let batch = batches.get(key);
    if (batch === undefined) {
      batch = { read: log.readAll(options), takenBy: new Set() };
      batches.set(key, batch);
      // A failed read is not kept: the next view asking reads again and sees the failure itself.
      const read = batch.read;
      read.then(
        (r) => {
          if (r._tag === 'Left' && batches.get(key)?.read === read) batches.delete(key);
        },
        () => {
          if (batches.get(key)?.read === read) batches.delete(key);
        },
      );
    }
    batch.takenBy.add(viewId);
    const read = batch.read;
    forgetTaken();
    return read;
  };

  return {
    view: () => {
      const id = nextView++;
      reading.add(id);
      const view = new Proxy(log, {
        get(target, name, receiver) {
          if (name === 'readAll') return (options?: ReadAllOptions) => readAll(id, options);
          const value = Reflect.get(target, name, receiver) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      return {
        log: view,
        decode,
        leave: () => {
          reading.delete(id);
          forgetTaken();
        },
      };
    },
  };
}
