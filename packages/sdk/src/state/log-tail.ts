// One cursor over the log for the state the log has no index for (the contributor directory, the
// amendments an erasure reaches): all of it the first time, then only what was appended since.
// Every fold is fed the same events once, in log order. Events this process appends are fed
// without a read when they sit right after the cursor (positions are not dense, so only then is
// it known that nothing lies between; the anchor's tree-head frontier uses the same test).
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition, RecordedEvent } from '@cairn/eventlog';

const PAGE = 2000;

/** What a fold reads of a logged event. */
export type TailEvent = Pick<RecordedEvent, 'id' | 'position' | 'data'>;

export interface LogTail {
  /** Feeds every event appended since the cursor to the folds; one catch-up at a time. */
  catchUp(): Promise<E.Either<EventLogError, void>>;
  /** Events just appended by this process: fed at once when contiguous with the cursor, else left for the next catch-up. */
  appended(events: readonly TailEvent[]): void;
}

export function createLogTail(log: EventLog, folds: readonly ((event: TailEvent) => void)[]): LogTail {
  let after: LogPosition | null = null;
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
      if (page.right.length < PAGE) return E.right(undefined);
    }
  };
  const feedIfContiguous = (events: readonly TailEvent[]) => {
    const sorted = [...events].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    let previous = after;
    for (const e of sorted) {
      if (previous === null || e.position !== previous + 1n) return;
      previous = e.position;
    }
    sorted.forEach(feed);
  };
  return {
    catchUp: () => {
      const run = chain.then(catchUpNow);
      chain = run.catch(() => undefined);
      return run;
    },
    appended: (events) => {
      if (events.length === 0) return;
      chain = chain.then(() => feedIfContiguous(events)).catch(() => undefined);
    },
  };
}
