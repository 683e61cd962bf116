// One cursor over the log for the state the log has no index for (the contributor directory, the
// amendments an erasure reaches): all of it the first time, then only what was appended since.
// Every fold is fed the same events once, in log order. Once the tail has caught up, it follows
// this process's own appends: a batch that sits right after the cursor is fed without a read
// (positions are not dense, so only then is it known that nothing lies between; the anchor's
// tree-head frontier uses the same test), any other is followed by a read of as many events
// from the cursor (another writer's, or the same batch on a log with gaps).
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition, RecordedEvent } from '@cairn/eventlog';

const PAGE = 2000;

/** What a fold reads of a logged event. */
export type TailEvent = Pick<RecordedEvent, 'id' | 'position' | 'data'>;

export interface LogTail {
  /** Feeds every event appended since the cursor to the folds; one catch-up at a time. */
  catchUp(): Promise<E.Either<EventLogError, void>>;
  /**
   * Events this process just appended. Never fails: a read that fails leaves them for the next
   * catch-up. Before the first catch-up nothing is followed (that one reads everything anyway).
   */
  appended(events: readonly TailEvent[]): Promise<void>;
}

export function createLogTail(log: EventLog, folds: readonly ((event: TailEvent) => void)[]): LogTail {
  let after: LogPosition | null = null;
  let caughtUp = false;
  // Steps run one after another, so no event is fed twice by two of them racing on the cursor.
  let chain: Promise<unknown> = Promise.resolve();
  const feed = (event: TailEvent) => {
    for (const fold of folds) fold(event);
    after = event.position;
  };
  const catchUpNow = async (): Promise<E.Either<EventLogError, void>> => {
    for (;;) {
      const page = await log.readAll({ after, limit: PAGE });
      if (E.isLeft(page)) return page;
      page.right.forEach(feed);
      if (page.right.length < PAGE) {
        caughtUp = true;
        return E.right(undefined);
      }
    }
  };
  const follow = async (events: readonly TailEvent[]): Promise<void> => {
    if (!caughtUp || events.length === 0) return;
    const sorted = [...events].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    let previous = after;
    let contiguous = true;
    for (const e of sorted) {
      if (previous === null || e.position !== previous + 1n) contiguous = false;
      previous = e.position;
    }
    if (contiguous) {
      sorted.forEach(feed);
      return;
    }
    // Whatever the log holds next is the right thing to feed, ours or not; the rest waits.
    const page = await log.readAll({ after, limit: sorted.length });
    if (E.isRight(page)) page.right.forEach(feed);
  };
  return {
    catchUp: () => {
      const run = chain.then(catchUpNow);
      chain = run.catch(() => undefined);
      return run;
    },
    appended: (events) => {
      const run = chain.then(() => follow(events)).catch(() => undefined);
      chain = run;
      return run;
    },
  };
}
