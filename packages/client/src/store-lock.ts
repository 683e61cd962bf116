// How an open waits for an embedded store another process holds: up to CAIRN_LOCK_TIMEOUT
// seconds (default 30), telling the caller once whom it waits for, then failing as StoreInUse.
import * as E from 'fp-ts/lib/Either.js';
import { describeHolder, FolderInUse, type FolderLockOptions, type LockHolder } from '@cairn/eventlog';
import { usageError, type StoreError, type UsageError } from './errors.js';
import type { Env } from './store-location.js';

export const DEFAULT_LOCK_TIMEOUT_SECONDS = 30;

export function lockTimeoutSecondsOf(env: Env): E.Either<UsageError, number> {
  const raw = env.CAIRN_LOCK_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return E.right(DEFAULT_LOCK_TIMEOUT_SECONDS);
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0)
    return E.left(
      usageError(
        'CAIRN_LOCK_TIMEOUT',
        `expected a number of seconds to wait for a store in use (0 fails at once), got ${JSON.stringify(raw)}`,
      ),
    );
  return E.right(seconds);
}

export interface StoreLockSettings {
  /** What the holder is doing, shown to a process that waits for it (e.g. the command line). */
  readonly command: string;
  /** Called once when the store is held by another process, with a sentence naming it and the wait. */
  readonly onWait?: (message: string, holder: LockHolder) => void;
}

export function storeLockOptions(env: Env, settings: StoreLockSettings): E.Either<UsageError, FolderLockOptions> {
  return E.map((seconds: number) => ({
    timeoutMs: seconds * 1000,
    command: settings.command,
    onWait: (holder: LockHolder) =>
      settings.onWait?.(`store in use by ${describeHolder(holder)}, waiting (up to ${seconds} s, CAIRN_LOCK_TIMEOUT)`, holder),
  }))(lockTimeoutSecondsOf(env));
}

/** A store still in use after the wait, as a value; anything else is not a lock failure (undefined). */
export function storeInUse(cause: unknown): StoreError | undefined {
  if (!(cause instanceof FolderInUse)) return undefined;
  const waited = cause.waitedMs > 0 ? ` within ${Math.round(cause.waitedMs / 100) / 10} s` : '';
  const holder = describeHolder(cause.holder);
  return {
    _tag: 'StoreInUse',
    folder: cause.folder,
    holder,
    message: `store in use by ${holder}: ${cause.folder} did not come free${waited} (CAIRN_LOCK_TIMEOUT sets the wait)`,
  };
}
