// One cursor over the log for the state the log has no index for (the contributor directory, the
// amendments an erasure reaches): all of it the first time, then only what was appended since.
// Every fold is fed the same events once, in log order, whichever of them asked to catch up.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition, RecordedEvent } from '@cairn/eventlog';

const PAGE = 2000;

export interface LogTail {
  /** Feeds every event appended since the last call to the folds; one catch-up at a time. */
  catchUp(): Promise<E.Either<EventLogError, void>>;
}

export function createLogTail(log: EventLog, folds: readonly ((event: RecordedEvent) => void)[]): LogTail {
  let after: LogPosition | null = null;
  // Calls wait for the one before, so no event is fed twice by two catch-ups racing on the cursor.
  let chain: Promise<unknown> = Promise.resolve();
  const catchUpNow = async (): Promise<E.Either<EventLogError, void>> => {
    for (;;) {
      const page = await log.readAll({ after, limit: PAGE });
      if (E.isLeft(page)) return page;
      for (const event of page.right) for (const fold of folds) fold(event);
      if (page.right.length > 0) after = page.right[page.right.length - 1]!.position;
      if (page.right.length < PAGE) return E.right(undefined);
    }
  };
  return {
    catchUp: () => {
      const run = chain.then(catchUpNow);
      chain = run.catch(() => undefined);
      return run;
    },
  };
}
