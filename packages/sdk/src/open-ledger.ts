// Opening a ledger: the embedded default (PGlite log, blob and key folders under one directory,
// no server needed), a Postgres or EventStoreDB log with local blob and key folders, or parts
// given by the caller (tests, S3-backed blob stores, KMS-backed key stores).
// An embedded store belongs to one process at a time: its folder is locked before anything in it
// is opened and released after everything closed (the log locks its own folder as well, for
// callers that open it alone).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as eventlog from '@cairn/eventlog';
import type { EventLog, FolderLock, FolderLockOptions } from '@cairn/eventlog';
import type { BlobStore } from './blob-store/port.js';
import type { KeyStore } from './key-store/port.js';
import { createFolderBlobStore } from './blob-store/folder.js';
import { createFolderKeyStore } from './key-store/folder.js';
import { createLedger, type Ledger } from './ledger.js';
import { createVerifyPool, type VerifyPool } from './verify-pool.js';
import { openLogAnchor, type LogAnchor } from './tree-heads/anchor.js';
import { resolveLimits, describeLimitSettingError, type LimitSettings } from './limits.js';
import { openRemoteLedger, type RemoteLedger, type RemoteLedgerOptions } from './remote/remote-ledger.js';

interface CommonOptions {
  /** Worker threads verifying signatures in bulk ingest; 0 verifies on the main thread. Default: one per core. */
  readonly verifyWorkers?: number;
  /**
   * An embedded store held by another process: how long to wait for it (default 10 s; 0 refuses
   * at once) and what to say meanwhile. Past the wait, openLedger rejects with FolderInUse.
   */
  readonly lock?: FolderLockOptions;
  /** Sign a tree head into `<dir>/tree-heads.jsonl` after every append call (default true). */
  readonly treeHeads?: boolean;
  /**
   * Size limits in bytes, laid over DEFAULT_LIMITS (e.g. `{ source: 4096 }`); each must be within
   * HARD_CAPS. An event past them is refused as `size-limit`, naming the field and the limit.
   */
  readonly limits?: LimitSettings;
}

interface StoreOptions {
  /** Folder for blobs and keys (and the embedded log); default './.cairn'. */
  readonly dir?: string;
  readonly blobs?: BlobStore;
  readonly keys?: KeyStore;
}

export type OpenLedgerOptions = CommonOptions &
  (
    | StoreOptions
    | (StoreOptions & { readonly postgres: string; readonly schema?: string })
    | (StoreOptions & { readonly esdb: string })
    | { readonly log: EventLog; readonly blobs: BlobStore; readonly keys: KeyStore; readonly closeLog?: boolean }
  );

export const DEFAULT_LEDGER_DIR = './.cairn';

/** The lock file of an embedded store folder (inside it, beside log/, blobs/ and keys/). */
export function storeLockFileOf(dir: string): string {
  return path.join(dir, 'store.lock');
}

async function openLog(options: OpenLedgerOptions, dir: string): Promise<EventLog> {
  if ('postgres' in options)
    return eventlog.openPostgresEventLog({ connectionString: options.postgres }, options.schema ? { schema: options.schema } : {});
  if ('esdb' in options) return eventlog.openEventStoreDbEventLog(options.esdb);
  // The store lock is already held: the log's own lock can only be held by a process that
  // opened the log folder alone, which the caller's wait settings cover too.
  return eventlog.openEmbeddedEventLog({ dataDir: path.join(dir, 'log'), ...(options.lock ? { lock: options.lock } : {}) });
}

async function lockEmbeddedStore(options: OpenLedgerOptions, dir: string): Promise<FolderLock | undefined> {
  if ('postgres' in options || 'esdb' in options || 'log' in options) return undefined;
  await mkdir(dir, { recursive: true });
  return eventlog.lockFolder(dir, storeLockFileOf(dir), options.lock);
}

/**
 * Opens a ledger. Default: embedded in './.cairn' (log in ./log, blobs in ./blobs, keys in ./keys).
 * Throws only when the log cannot be opened at all, or (FolderInUse) when another process holds
 * the embedded store past options.lock.timeoutMs.
 */
export function openLedger(options: RemoteLedgerOptions): Promise<RemoteLedger>;
export function openLedger(options?: OpenLedgerOptions): Promise<Ledger>;
/** `{ url }`: the ledger of a Cairn server, written to over HTTP (signed here; see remote/remote-ledger.ts). */
export async function openLedger(options: OpenLedgerOptions | RemoteLedgerOptions = {}): Promise<Ledger | RemoteLedger> {
  if ('url' in options) return openRemoteLedger(options);
  return (await openLedgerWith(options, async () => ({ close: async () => undefined }))).ledger;
}

/** Something opened beside a ledger (the projection store, say), closed by its owner. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Opens a ledger and, once the embedded store's lock is held (at once for a server log), runs
 * `beside` while the log opens: an embedded log's database starts on its own thread, so a second
 * database opened here starts on this one at the same time instead of after it. Both or neither:
 * when either open fails, whatever did open is closed, the lock released, and the failure thrown.
 */
export async function openLedgerWith<T extends Closable>(
  options: OpenLedgerOptions,
  beside: () => Promise<T>,
): Promise<{ ledger: Ledger; beside: T }> {
  // Refused before anything is opened or locked.
  const limits = resolveLimits(options.limits);
  if (limits._tag === 'Left') throw new RangeError(describeLimitSettingError(limits.left));
  const settings = options.limits ? { limits: options.limits } : {};
  const pool: VerifyPool | undefined =
    options.verifyWorkers === 0 ? undefined : createVerifyPool(options.verifyWorkers === undefined ? {} : { size: options.verifyWorkers });
  if ('log' in options) {
    const { log } = options;
    let opened: T;
    try {
      opened = await beside();
    } catch (e) {
      await pool?.close();
      throw e;
    }
    const ledger = createLedger({
      log,
      blobs: options.blobs,
      keys: options.keys,
      ...settings,
      ...(pool ? { pool } : {}),
      ...(options.closeLog ? { onClose: () => log.close() } : {}),
    });
    return { ledger, beside: opened };
  }
  const dir = options.dir ?? DEFAULT_LEDGER_DIR;
  const lock = await lockEmbeddedStore(options, dir).catch(async (e: unknown) => {
    await pool?.close();
    throw e;
  });
  // Started only now: the store's lock comes first, so two processes never each hold a part.
  const besideOpening = (async () => beside())();
  let log: EventLog | undefined;
  try {
    const [logOpened, besideOpened] = await Promise.allSettled([openLog(options, dir), besideOpening]);
    if (logOpened.status === 'fulfilled') log = logOpened.value;
    if (besideOpened.status === 'rejected' || logOpened.status === 'rejected') {
      if (besideOpened.status === 'fulfilled') await besideOpened.value.close().catch(() => undefined);
      throw logOpened.status === 'rejected' ? logOpened.reason : (besideOpened as PromiseRejectedResult).reason;
    }
    const openedLog = logOpened.value;
    const opened = besideOpened.value;
    let anchor: LogAnchor | undefined;
    try {
      anchor = options.treeHeads === false ? undefined : await openLogAnchor(openedLog, dir);
    } catch (e) {
      await opened.close().catch(() => undefined);
      throw e;
    }
    const ledger = createLedger({
      ...settings,
      ...(anchor ? { anchor } : {}),
      log: openedLog,
      blobs: options.blobs ?? createFolderBlobStore(path.join(dir, 'blobs')),
      keys: options.keys ?? createFolderKeyStore(path.join(dir, 'keys')),
      ...(pool ? { pool } : {}),
      onClose: async () => {
        try {
          await openedLog.close();
        } finally {
          await lock?.release();
        }
      },
    });
    return { ledger, beside: opened };
  } catch (e) {
    await log?.close();
    await lock?.release();
    await pool?.close();
    throw e;
  }
}
