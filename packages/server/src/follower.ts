// Keeps the projections caught up with the log in the background (on an interval, and at once
// after a write) and tells listeners what each catch-up brought: the new head position, and the
// dataset versions cut by the events it passed. Reads never wait for it unless they name a
// position it has not reached.
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';

export type LiveEvent =
  | { readonly kind: 'position'; readonly position: bigint }
  | {
      readonly kind: 'version';
      readonly position: bigint;
      readonly dataset: string;
      readonly versionId: string;
      readonly ordinal: number | null;
      readonly cause: 'requested' | 'replaced';
    };

export interface Follower {
  /** The last log position every projection has applied (null: the log was empty). */
  caughtUpTo(): bigint | null;
  /**
   * Runs a read of the latest state while no catch-up writes to the projections, and gives it the
   * head they hold, so an answer is exactly as of the position it is labelled with.
   */
  latest<T>(read: (head: bigint | null) => Promise<T>): Promise<T>;
  /** One catch-up pass (joins the one running, then runs again so events appended before the call are in). */
  catchUp(): Promise<E.Either<{ readonly message: string }, bigint | null>>;
  subscribe(listener: (event: LiveEvent) => void): () => void;
  stop(): Promise<void>;
}

/** How many new events one catch-up reads back to announce the versions they cut. */
const ANNOUNCE_SCAN_LIMIT = 10_000;

export function startFollower(cairn: Cairn, intervalMs: number, onError: (message: string) => void): Follower {
  let caughtUpTo: bigint | null = null;
  let running: Promise<E.Either<{ readonly message: string }, bigint | null>> | undefined;
  let queued: Promise<E.Either<{ readonly message: string }, bigint | null>> | undefined;
  const listeners = new Set<(event: LiveEvent) => void>();
  let stopped = false;
  /** Whether a catch-up pass has run to the end. */
  let passed = false;

  // A readers-writer lock between latest reads and the catch-up's writes; a waiting catch-up goes
  // before new readers, so a steady stream of reads cannot hold the projections back.
  let readers = 0;
  let writing = false;
  let writersWaiting = 0;
  let waiters: (() => void)[] = [];
  const wait = () => new Promise<void>((resolve) => waiters.push(resolve));
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  const latest = async <T>(read: (head: bigint | null) => Promise<T>): Promise<T> => {
    while (writing || writersWaiting > 0) await wait();
    readers += 1;
    try {
      return await read(caughtUpTo);
    } finally {
      readers -= 1;
      if (readers === 0) wake();
    }
  };
  const exclusive = async <T>(write: () => Promise<T>): Promise<T> => {
    writersWaiting += 1;
    while (writing || readers > 0) await wait();
    writersWaiting -= 1;
    writing = true;
    try {
      return await write();
    } finally {
      writing = false;
      wake();
    }
  };

  const emit = (event: LiveEvent) => {
    for (const l of listeners) l(event);
  };

  const announce = async (from: bigint | null, to: bigint) => {
    if (listeners.size === 0) return;
    const events = await cairn.ledger.log.readAll({ after: from, limit: ANNOUNCE_SCAN_LIMIT });
    if (E.isLeft(events)) return;
    for (const r of events.right) {
      if (r.position > to) break;
      const envelope = r.data as { payload?: Record<string, unknown> };
      if (r.type === 'DatasetBuildRequested' && typeof envelope.payload?.dataset === 'string') {
        const built = await cairn.buildResult(envelope.payload.dataset, r.id);
        if (built.version !== null && !built.unchanged)
          emit({
            kind: 'version',
            position: r.position,
            dataset: built.version.dataset,
            versionId: built.version.versionId,
            ordinal: built.version.ordinal,
            cause: 'requested',
          });
      } else if (typeof envelope.payload?.amends === 'string' || typeof envelope.payload?.supersedes === 'string') {
        for (const o of await cairn.replacementOutcomes(r.id))
          emit({
            kind: 'version',
            position: r.position,
            dataset: o.dataset,
            versionId: o.versionId,
            ordinal: o.ordinal,
            cause: 'replaced',
          });
      }
    }
    emit({ kind: 'position', position: to });
  };

  const pass = async (): Promise<E.Either<{ readonly message: string }, bigint | null>> => {
    const before = caughtUpTo;
    // Nothing new in the log: nothing to write, so no reason to hold the reads back. Without this
    // every interval's pass waited for the reads in flight and stopped new ones meanwhile, a
    // stall each interval under a steady load of reads.
    // An empty log is nothing new too, once one pass has run (it sets the projections up).
    const seen = await cairn.ledger.log.head();
    if (passed && E.isRight(seen) && (seen.right === null || (caughtUpTo !== null && seen.right <= caughtUpTo))) return E.right(caughtUpTo);
    const caught = await exclusive(async (): Promise<E.Either<{ readonly message: string }, bigint | null>> => {
      const head = await cairn.ledger.log.head();
      if (E.isLeft(head)) return E.left({ message: 'the log head could not be read' });
      const r = await cairn.catchUp();
      if (E.isLeft(r)) return r;
      if (head.right !== null && (caughtUpTo === null || head.right > caughtUpTo)) caughtUpTo = head.right;
      passed = true;
      return E.right(caughtUpTo);
    });
    if (E.isRight(caught) && caught.right !== null && caught.right !== before)
      await announce(before, caught.right).catch((cause: unknown) => onError(`live updates: ${String(cause)}`));
    return caught;
  };

  type Pass = E.Either<{ readonly message: string }, bigint | null>;
  const catchUp = (): Promise<Pass> => {
    if (running === undefined) {
      running = pass().finally(() => (running = undefined));
      return running;
    }
    queued ??= running.then((): Promise<Pass> => {
      queued = undefined;
      return catchUp();
    });
    return queued;
  };

  const timer = setInterval(() => {
    if (stopped) return;
    void catchUp().then((r) => (E.isLeft(r) ? onError(r.left.message) : undefined));
  }, intervalMs);
  timer.unref();

  return {
    caughtUpTo: () => caughtUpTo,
    latest,
    catchUp,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await (queued ?? running)?.catch(() => undefined);
    },
  };
}
