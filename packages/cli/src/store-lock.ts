// How a command waits for an embedded store another process holds: up to CAIRN_LOCK_TIMEOUT
// seconds (default 30), saying once on stderr whom it waits for, then failing as unavailable.
import { describeHolder, FolderInUse, type FolderLockOptions } from '@cairn/eventlog';
import { ExitCode } from './exit-codes.js';
import { fail, usage } from './fail.js';

export const DEFAULT_LOCK_TIMEOUT_SECONDS = 30;

function timeoutSecondsOf(env: NodeJS.ProcessEnv): number {
  const raw = env.CAIRN_LOCK_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_LOCK_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) usage('CAIRN_LOCK_TIMEOUT', `expected a number of seconds to wait for a store in use (0 fails at once), got ${JSON.stringify(raw)}`);
  return seconds;
}

export function storeLockOptions(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): FolderLockOptions {
  const seconds = timeoutSecondsOf(env);
  return {
    timeoutMs: seconds * 1000,
    command: ['cairn', ...argv.slice(2)].join(' '),
    onWait: (holder) => process.stderr.write(`store in use by ${describeHolder(holder)}, waiting (up to ${seconds} s, CAIRN_LOCK_TIMEOUT)\n`),
  };
}

/** A store still in use after the wait becomes a one-line failure; anything else is returned. */
export function failIfInUse(cause: unknown): void {
  if (cause instanceof FolderInUse)
    fail(ExitCode.unavailable, `store in use by ${describeHolder(cause.holder)}: ${cause.folder} did not come free${cause.waitedMs > 0 ? ` within ${Math.round(cause.waitedMs / 100) / 10} s` : ''} (CAIRN_LOCK_TIMEOUT sets the wait)`);
}
