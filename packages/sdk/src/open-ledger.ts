// Opening a ledger: the embedded default (PGlite log, blob and key folders under one directory,
// no server needed), a Postgres or EventStoreDB log with local blob and key folders, or parts
// given by the caller (tests, S3-backed blob stores, KMS-backed key stores).
import path from 'node:path';
import * as eventlog from '@cairn/eventlog';
import type { EventLog } from '@cairn/eventlog';
import type { BlobStore } from './blob-store/port.js';
import type { KeyStore } from './key-store/port.js';
import { createFolderBlobStore } from './blob-store/folder.js';
import { createFolderKeyStore } from './key-store/folder.js';
import { createLedger, type Ledger } from './ledger.js';
import { createVerifyPool, type VerifyPool } from './verify-pool.js';
import { openLogAnchor } from './tree-heads/anchor.js';

interface CommonOptions {
  /** Worker threads verifying signatures in bulk ingest; 0 verifies on the main thread. Default: one per core. */
  readonly verifyWorkers?: number;
  /** Sign a tree head into `<dir>/tree-heads.jsonl` after every append call (default true). */
  readonly treeHeads?: boolean;
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

async function openLog(options: OpenLedgerOptions, dir: string): Promise<EventLog> {
  if ('postgres' in options) return eventlog.openPostgresEventLog({ connectionString: options.postgres }, options.schema ? { schema: options.schema } : {});
  if ('esdb' in options) return eventlog.openEventStoreDbEventLog(options.esdb);
  return eventlog.openEmbeddedEventLog({ dataDir: path.join(dir, 'log') });
}

/**
 * Opens a ledger. Default: embedded in './.cairn' (log in ./log, blobs in ./blobs, keys in ./keys).
 * Throws only when the log cannot be opened at all.
 */
export async function openLedger(options: OpenLedgerOptions = {}): Promise<Ledger> {
  const pool: VerifyPool | undefined = options.verifyWorkers === 0 ? undefined : createVerifyPool(options.verifyWorkers === undefined ? {} : { size: options.verifyWorkers });
  if ('log' in options) {
    const { log } = options;
    return createLedger({ log, blobs: options.blobs, keys: options.keys, ...(pool ? { pool } : {}), ...(options.closeLog ? { onClose: () => log.close() } : {}) });
  }
  const dir = options.dir ?? DEFAULT_LEDGER_DIR;
  const log = await openLog(options, dir);
  const anchor = options.treeHeads === false ? undefined : await openLogAnchor(log, dir);
  return createLedger({
    ...(anchor ? { anchor } : {}),
    log,
    blobs: options.blobs ?? createFolderBlobStore(path.join(dir, 'blobs')),
    keys: options.keys ?? createFolderKeyStore(path.join(dir, 'keys')),
    ...(pool ? { pool } : {}),
    onClose: () => log.close(),
  });
}
