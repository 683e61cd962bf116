// A command's view of the store: the SDK ledger (log, blobs, sample keys), the projection tables
// and their runner, and the keyring of named signers. Queries call catchUp() first so answers are
// current, then read the tables.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { openLedger, type Ledger, type SizeLimits } from '@cairn/sdk';
import {
  closeAttributionKernel,
  createAttributionProjection,
  createFolderArtifactStore,
  createProjectionRunner,
  datasetsProjection,
  lineageProjection,
  openProjectionStore,
  type AnyDB,
  type ArtifactStore,
  type Projection,
  type ProjectionRunner,
  type ProjectionStore,
} from '@cairn/projections';
import type { Kysely } from 'kysely';
import { refuseAsOfBeyondHead } from './as-of.js';
import { ExitCode } from './exit-codes.js';
import { fail } from './fail.js';
import { openKeyring, type Keyring } from './keyring.js';
import { progressFor } from './progress.js';
import { failureWarning } from './projection-failures.js';
import { resolveStoreLocation, type StoreLocation } from './store-location.js';
import { failIfInUse, storeLockOptions } from './store-lock.js';
import { effectiveLimits, readLedgerConfig } from './ledger-config.js';

export interface GlobalOptions {
  readonly store?: string;
  readonly projections?: string;
  readonly json?: boolean;
}

export interface Session {
  readonly location: StoreLocation;
  /** Where signers, sample blobs and sample keys live (the store folder, or CAIRN_KEYS). */
  readonly localDir: string;
  readonly ledger: Ledger;
  readonly store: ProjectionStore;
  readonly db: Kysely<AnyDB>;
  readonly runner: ProjectionRunner;
  readonly projections: readonly Projection[];
  /** Gradient artifacts by content hash: `<localDir>/artifacts/<sha256>.npy`. */
  readonly artifacts: ArtifactStore;
  readonly keyring: Keyring;
  /** The size limits the ledger admits events under (defaults, with `<localDir>/ledger.json` laid over them). */
  readonly limits: SizeLimits;
  readonly json: boolean;
  /** Brings every projection up to the head of the log (with a progress bar on a terminal). */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The projections the CLI keeps, in the order the runner applies them. Attribution reads its
 * gradient artifacts from the store's folder, so it is made per store.
 */
export function projectionsFor(artifacts: ArtifactStore): readonly Projection[] {
  return [lineageProjection, datasetsProjection, createAttributionProjection({ artifacts })];
}

export function locationOf(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const location = resolveStoreLocation(options.store, options.projections, env);
  if (E.isLeft(location)) fail(ExitCode.usage, `${location.left.field}: ${location.left.reason}`);
  return location.right;
}

export function localDirOf(location: StoreLocation, env: NodeJS.ProcessEnv = process.env): string {
  return location.kind === 'embedded' ? location.dir : (env.CAIRN_KEYS ?? './.cairn');
}

/** Opens the store; `create` (cairn init) makes a missing embedded folder instead of refusing. */
export interface SessionSettings {
  /** cairn init: make a missing embedded folder instead of refusing. */
  readonly create?: boolean;
  /** Signature-verifying worker threads for bulk ingest (default 0: one-shot commands skip the pool). */
  readonly verifyWorkers?: number;
}

export async function openSession(options: GlobalOptions, settings: SessionSettings = {}): Promise<Session> {
  const location = locationOf(options);
  const localDir = localDirOf(location);
  if (location.kind === 'embedded') {
    if (!settings.create && !existsSync(path.join(location.dir, 'log')))
      fail(ExitCode.unavailable, `no Cairn ledger in ${location.dir} (run \`cairn init\` there, or give --store / CAIRN_STORE)`);
    await mkdir(path.join(location.dir, 'projections'), { recursive: true });
  }
  const config = await readLedgerConfig(localDir);
  const limits = config.limits;
  let ledger: Ledger | undefined;
  let store: ProjectionStore;
  // An embedded store is one process's at a time (the ledger locks it before opening anything in
  // it, the projections their own folder): a second command waits, then fails as unavailable.
  const lock = storeLockOptions();
  try {
    // verifyWorkers: 0 keeps one-shot commands from paying for a worker pool; import asks for one.
    const verifyWorkers = settings.verifyWorkers ?? 0;
    ledger = await openLedger(
      location.kind === 'embedded'
        ? { dir: location.dir, verifyWorkers, lock, limits }
        : location.kind === 'postgres'
          ? { dir: localDir, postgres: location.url, verifyWorkers, limits }
          : { dir: localDir, esdb: location.url, verifyWorkers, limits },
    );
    store = await openProjectionStore(
      location.kind === 'embedded'
        ? { dataDir: path.join(location.dir, 'projections'), lock }
        : { connectionString: location.kind === 'postgres' ? location.url : location.projections },
    );
  } catch (cause) {
    // The ledger holds the store's lock: an open that failed halfway must not keep it.
    await ledger?.close().catch(() => undefined);
    failIfInUse(cause);
    fail(ExitCode.unavailable, `the store could not be opened: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const json = options.json === true;
  const artifacts = createFolderArtifactStore(localDir);
  const projections = projectionsFor(artifacts);
  const progress = progressFor({ json });
  let started = false;
  const runner = createProjectionRunner({
    log: ledger.log,
    store,
    projections,
    onProgress: (p) => {
      if (p.head === null) return;
      if (!started) {
        progress.start(Number(p.head), `projecting ${p.projection}`);
        started = true;
      }
      progress.update(Number(p.position));
    },
    // Said once, when the event is passed; status and verify keep saying it afterwards.
    onEventFailed: (f) => process.stderr.write(failureWarning(f)),
  });
  return {
    location,
    localDir,
    ledger,
    store,
    db: store.db,
    runner,
    projections,
    artifacts,
    keyring: openKeyring(path.join(localDir, 'signers')),
    limits: effectiveLimits(config),
    json,
    catchUp: async () => {
      const r = await runner.runOnce();
      if (started) progress.stop();
      started = false;
      if (E.isLeft(r)) fail(ExitCode.unavailable, `the projections could not catch up: ${r.left.message}`);
    },
    close: async () => {
      // The attribution kernel's worker threads would keep the process alive after the command.
      try {
        await closeAttributionKernel();
      } finally {
        await store.close();
        await ledger.close();
      }
    },
  };
}

/** Runs `body` with an open session and always closes it. */
export async function withSession<T>(options: GlobalOptions, body: (session: Session) => Promise<T>, settings: SessionSettings = {}): Promise<T> {
  const session = await openSession(options, settings);
  try {
    // Every command with --as-of passes it here among its options (globalsOf).
    await refuseAsOfBeyondHead((options as { readonly asOf?: unknown }).asOf, session.ledger.log);
    return await body(session);
  } finally {
    await session.close();
  }
}
