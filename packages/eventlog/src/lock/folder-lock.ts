// One process at a time per embedded folder. PGlite is a single-process Postgres: two processes
// on one data directory overwrite each other's pages and acknowledged rows vanish. The lock is a
// file naming its holder (pid, start time, command), created with link(2) so that it appears
// whole or not at all. There is no heartbeat: a holder that died (kill -9 included) is
// recognised by its pid being gone, or reused by a process that started later, and its lock is
// taken over. Node has no flock(2) binding, and mtime-refreshing locks (proper-lockfile) name no
// holder and need a timer that a busy event loop can starve into a false takeover.
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  /** When the holder took the lock (ISO 8601). */
  readonly since: string;
  /** The holder's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
  readonly startTicks?: string;
  /** Makes every lock's content unique, so a release never removes a successor's lock. */
  readonly nonce: string;
}

export interface FolderLockOptions {
  /** How long to wait for another holder to let go; 0 refuses at once. */
  readonly timeoutMs?: number;
  /** Called once, when the lock is found held and the caller starts waiting. */
  readonly onWait?: (holder: LockHolder) => void;
  /** What the lock file says this process is doing (default: the process's command line). */
  readonly command?: string;
}

export interface FolderLock {
  readonly file: string;
  release(): Promise<void>;
}

/** The folder is held by another process (or another open in this one) and did not come free in time. */
export class FolderInUse extends Error {
  readonly _tag = 'FolderInUse';
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
    readonly waitedMs: number,
  ) {
    super(`${folder} is in use by ${describeHolder(holder)}${waitedMs > 0 ? `; gave up after ${formatSeconds(waitedMs)}` : ''}`);
    this.name = 'FolderInUse';
  }
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A takeover guard older than this was left by a process that died mid-takeover. */
const GUARD_STALE_MS = 5_000;

/** "pid 123 (cairn import rows.jsonl)", the words of both the wait notice and the error. */
export function describeHolder(holder: LockHolder): string {
  const where = holder.host === os.hostname() ? '' : ` on ${holder.host}`;
  return `pid ${holder.pid}${where} (${holder.command}${holder.pid === process.pid ? ', this process' : ''})`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * The lock contents this process holds (each unique), with their files: a second open in the
 * same process waits too, and a lock this process wrote but no longer holds is stale.
 */
const held = new Map<string, string>();

process.once('exit', () => {
  // A process that exits without closing leaves nothing behind for the next one to judge.
  for (const [content, file] of held) {
    try {
      if (readFileSync(file, 'utf8') === content) unlinkSync(file);
    } catch {
      // already gone
    }
  }
});

function startTicksOf(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function defaultCommand(): string {
  const [, script, ...args] = process.argv;
  const command = [script === undefined ? 'node' : path.basename(script, path.extname(script)), ...args].join(' ');
  return command.length > 200 ? `${command.slice(0, 199)}…` : command;
}

function isAlive(holder: LockHolder, content: string): boolean {
  if (holder.host !== os.hostname()) return true; // no way to tell from here
  if (holder.pid === process.pid) return held.has(content);
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = holder.startTicks === undefined ? undefined : startTicksOf(holder.pid);
  return ticks === undefined || ticks === holder.startTicks;
}

function parseHolder(content: string): LockHolder | undefined {
  try {
    const value = JSON.parse(content) as Partial<LockHolder>;
    if (
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.command === 'string' &&
      typeof value.since === 'string'
    )
      return value as LockHolder;
  } catch {
    // not a lock this module wrote
  }
  return undefined;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Removes a dead holder's lock, unless someone replaced it since `stale` was read. */
async function takeOver(file: string, stale: string): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const age = Date.now() - (await stat(guard).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
    return; // someone else is taking over; the caller tries again
  }
  try {
    if ((await readIfExists(file)) === stale) await unlink(file).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

type Attempt = { readonly taken: true } | { readonly taken: false; readonly holder?: LockHolder };

async function tryTake(file: string, content: string): Promise<Attempt> {
  const temporary = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(temporary, content);
  // Registered before the link, so an open in this process that reads the new file meanwhile
  // sees a live holder, not one of its own stale locks.
  held.set(content, file);
  try {
    await link(temporary, file);
    return { taken: true };
  } catch (e) {
    held.delete(content);
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  const existing = await readIfExists(file);
  if (existing === undefined) return { taken: false }; // released meanwhile: try again now
  const holder = parseHolder(existing);
  if (holder !== undefined && isAlive(holder, existing)) return { taken: false, holder };
  await takeOver(file, existing);
  return { taken: false };
}

/**
 * Takes the lock file `file` for `folder` (the folder only names it in messages), waiting up to
 * `timeoutMs` for a live holder to release it. Rejects with FolderInUse naming the holder.
 */
export async function lockFolder(folder: string, file: string, options: FolderLockOptions = {}): Promise<FolderLock> {
  const absolute = path.resolve(file);
  const record: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command: options.command ?? defaultCommand(),
    since: new Date().toISOString(),
    nonce: randomUUID(),
    ...(startTicksOf('self') === undefined ? {} : { startTicks: startTicksOf('self') }),
  };
  const content = `${JSON.stringify(record)}\n`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const started = Date.now();
  let noticed = false;
  let pause = 20;
  for (;;) {
    const attempt = await tryTake(absolute, content);
    if (attempt.taken) break;
    if (attempt.holder === undefined) {
      await sleep(5); // released or taken over meanwhile: try again soon
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new FolderInUse(folder, attempt.holder, waited);
    if (!noticed) options.onWait?.(attempt.holder);
    noticed = true;
    await sleep(Math.min(pause, timeoutMs - waited));
    pause = Math.min(pause * 2, 250);
  }
  let released = false;
  return {
    file: absolute,
    release: async () => {
      if (released) return;
      released = true;
      held.delete(content);
      if ((await readIfExists(absolute)) === content) await unlink(absolute).catch(() => undefined);
    },
  };
}
