// Makes committed transactions of an embedded log durable. PGlite runs Postgres over emscripten's
// NODEFS, where Postgres's own fsync calls do nothing: a commit reaches the OS page cache (it
// survives kill -9) but not the disk (a power cut or OS crash can take it). Recovery replays the
// WAL, so after each commit the WAL segments are flushed here, and pg_wal itself when a segment
// appeared or went, before the append is acknowledged. Commits that land while a flush runs wait
// for the next one and share it (group commit): one flush per burst, not one per append.
import { readdirSync, statSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Flushes one file or directory to disk; a seam for tests that count flushes. */
export type SyncPath = (target: string) => Promise<void>;

export const fsyncPath: SyncPath = async (target) => {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

const WAL_SEGMENT = /^[0-9A-F]{24}$/;

/**
 * Kernel file times come from a clock that lags the wall clock by up to a tick: a file written
 * just after `since` must not look older than it.
 */
const MTIME_SLACK_MS = 1_000;

interface Changed {
  readonly files: string[];
  readonly folders: string[];
}

/** The files and folders under `dir` (itself included) changed since `since` (ms since epoch). */
function changedSince(dir: string, since: number, into: Changed = { files: [], folders: [] }): Changed {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const target = path.join(dir, entry.name);
    if (entry.isDirectory()) changedSince(target, since, into);
    else if (entry.isFile() && statSync(target).mtimeMs >= since - MTIME_SLACK_MS) into.files.push(target);
  }
  if (statSync(dir).mtimeMs >= since - MTIME_SLACK_MS) into.folders.push(dir);
  return into;
}

/**
 * Flushes what changed under `dir` since `since`: what initdb, crash recovery or a shutdown
 * checkpoint wrote (data files, pg_control, recycled WAL), which the WAL flush does not cover.
 * The walk is synchronous (a stat per file of a folder of about a thousand); the flushes overlap.
 */
export async function syncChangedSince(dir: string, since: number, sync: SyncPath = fsyncPath): Promise<void> {
  const { files, folders } = changedSince(dir, since);
  // Files before the folders that name them: an entry must never point at unflushed content.
  await Promise.all(files.map((file) => sync(file)));
  await Promise.all(folders.map((folder) => sync(folder)));
}

export interface WalFlush {
  /** Resolves once every transaction committed before the call is on disk. */
  (): Promise<void>;
}

export function createWalFlush(dataDir: string, sync: SyncPath = fsyncPath): WalFlush {
  const walDir = path.join(dataDir, 'pg_wal');
  let segments = '';
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  // Only segments written since the previous flush began can hold unflushed commits (a long
  // session keeps every segment since open: flushing them all would grow with the WAL).
  let previousStart = 0;

  const flushOnce = async (): Promise<void> => {
    const started = Date.now();
    const names = (await readdir(walDir)).filter((name) => WAL_SEGMENT.test(name)).sort();
    const written = names.filter((name) => statSync(path.join(walDir, name)).mtimeMs >= previousStart - MTIME_SLACK_MS);
    await Promise.all(written.map((name) => sync(path.join(walDir, name))));
    previousStart = started;
    const listing = names.join(',');
    if (listing !== segments) {
      await sync(walDir);
      segments = listing;
    }
  };
  const start = (): Promise<void> => {
    const flush = flushOnce();
    running = flush.finally(() => {
      running = undefined;
    });
    return running;
  };

  return () => {
    // A flush already running may have read pg_wal before this caller's commit: wait for the next.
    if (queued !== undefined) return queued;
    if (running === undefined) return start();
    queued = running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
