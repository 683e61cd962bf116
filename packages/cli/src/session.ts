// A command's view of the store: @cairn/client's Cairn (the SDK ledger for writes, the typed
// reads, the projection runner) opened from the command line's flags and environment, plus the
// keyring of named signers. This file only parses flags, opens, and turns the client's tagged
// errors into failures with exit codes; answers come from `session.cairn`.
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Ledger, SizeLimits } from '@cairn/sdk';
import {
  isServerUrl,
  localDirOf as localDirIn,
  openCairn,
  parseAsOf,
  projectionsFor,
  resolveStoreLocation,
  type Cairn,
  type OpenError,
  type ReadError,
  type StoreLocation,
  type Projection,
  type ProjectionRunner,
  type ArtifactStore,
} from '@cairn/client';
import { ExitCode } from './exit-codes.js';
import { exitCodeOf, fail, messageOf, usage } from './fail.js';
import { openKeyring, type Keyring } from './keyring.js';
import { progressFor } from './progress.js';
import { failureWarning } from './projection-failures.js';

import { storeLockOptions } from './store-lock.js';
import { CfId } from '@cairn/schemas';

export { projectionsFor };

export interface GlobalOptions {
  readonly store?: string;
  readonly projections?: string;
  readonly json?: boolean;
  /** The signer reads over HTTP are signed as (a command's own --as, or the program's). */
  readonly as?: string;
}

export interface Session {
  /** The client: writes (`cairn.ledger`) and every read, each taking asOf. */
  readonly cairn: Cairn;
  readonly location: StoreLocation;
  /** Where signers, sample blobs and sample keys live (the store folder, or CAIRN_KEYS). */
  readonly localDir: string;
  readonly ledger: Ledger;
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

/** The commands that work against `--store http(s)://…` (the rest need the store's own files). */
export const OVER_HTTP = [
  'status',
  'verify',
  'roles grant',
  'roles revoke',
  'import',
  'dataset versions',
  'diff',
  'why',
  'impact',
  'history',
  'trace',
  'licenses',
  'show',
  'dataset show',
  'prove',
  'card',
  'report',
  'runs list',
  'runs show',
  'runs diff',
  'reproduce-check',
  'unlearning',
  'credit',
  'contribute',
  'amend',
  'manifest define',
  'dataset define',
  'dataset build',
  'deprecate',
  'erase',
  'cat',
  'keys new',
  'keys list',
  'keys rotate',
  'keys revoke',
  'roles list',
  'checkpoint',
  'tree-head',
  'tree-head cosign',
  'export',
  'record-run',
  'record-gradients',
  'attribute',
  'passport',
  'attest',
  'record-keeping',
  'contamination',
] as const;

let running = 'this command';

/** The command being run (`cairn keys list`), named when it refuses a server. */
export function setRunningCommand(path: string): void {
  running = path;
}

export function locationOf(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  const store = options.store ?? env.CAIRN_STORE;
  if (isServerUrl(store))
    fail(
      ExitCode.usage,
      `${running} needs a local store (a folder, postgres:// or esdb://): it works on the store's own log, tables or files, not through a server; ${options.store !== undefined ? '--store' : 'CAIRN_STORE'} names ${store}. Over HTTP: ${OVER_HTTP.join(', ')}`,
    );
  const location = resolveStoreLocation(options.store, options.projections, env);
  if (E.isLeft(location)) fail(ExitCode.usage, `${location.left.field}: ${location.left.reason}`);
  return location.right;
}

export function localDirOf(location: StoreLocation, env: NodeJS.ProcessEnv = process.env): string {
  return localDirIn(location, env);
}

export interface SessionSettings {
  /** cairn init: make a missing embedded folder instead of refusing. */
  readonly create?: boolean;
  /** Signature-verifying worker threads for bulk ingest (default 0: one-shot commands skip the pool). */
  readonly verifyWorkers?: number;
  /** The command holds the store open until it is stopped (serve), rather than for one answer. */
  readonly lasting?: boolean;
  /** The command has other work to do while the projections' statements run (verify checks the samples meanwhile). */
  readonly besideProjections?: boolean;
}

/**
 * Where an embedded store's projections run their PGlite, the one place a command's kind decides
 * it. A command that answers and exits runs it on its own thread: starting a second worker (the
 * log has one) costs it more than the worker gives back. A lasting one (serve) keeps it on a
 * worker, so requests are taken while Postgres works, and so does one with work of its own to do
 * while the projections' statements run (verify), which on the caller's thread would take turns.
 */
export function projectionsThreadFor(settings: SessionSettings): 'worker' | 'caller' {
  return settings.lasting === true || settings.besideProjections === true ? 'worker' : 'caller';
}

const OPEN_EXIT: Record<OpenError['_tag'], ExitCode> = {
  UsageError: ExitCode.usage,
  LedgerConfigInvalid: ExitCode.usage,
  StoreMissing: ExitCode.unavailable,
  StoreInUse: ExitCode.unavailable,
  StoreUnavailable: ExitCode.unavailable,
};

export async function openSession(options: GlobalOptions, settings: SessionSettings = {}): Promise<Session> {
  const location = locationOf(options);
  const json = options.json === true;
  const progress = progressFor({ json });
  let started = false;
  const opened = await openCairn({
    store: location,
    env: process.env,
    ...(settings.create !== undefined ? { create: settings.create } : {}),
    // verifyWorkers: 0 keeps one-shot commands from paying for a worker pool; import asks for one.
    verifyWorkers: settings.verifyWorkers ?? 0,
    projectionsThread: projectionsThreadFor(settings),
    lock: storeLockOptions(),
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
  if (E.isLeft(opened)) return fail(OPEN_EXIT[opened.left._tag], opened.left.message);
  const cairn = opened.right;
  return {
    cairn,
    location: cairn.location,
    localDir: cairn.localDir,
    ledger: cairn.ledger,
    runner: cairn.runner,
    projections: cairn.projections,
    artifacts: cairn.artifacts,
    keyring: openKeyring(path.join(cairn.localDir, 'signers')),
    limits: cairn.limits,
    json,
    catchUp: async () => {
      const r = await cairn.catchUp();
      if (started) progress.stop();
      started = false;
      if (E.isLeft(r)) fail(ExitCode.unavailable, r.left.message);
    },
    close: () => cairn.close(),
  };
}

/** Runs `body` with an open session and always closes it. */
export async function withSession<T>(
  options: GlobalOptions,
  body: (session: Session) => Promise<T>,
  settings: SessionSettings = {},
): Promise<T> {
  const session = await openSession(options, settings);
  try {
    // Every command with --as-of passes it here among its options (globalsOf); a value that is
    // not a position or a time is the command's to refuse, with its own wording.
    const asOf = (options as { readonly asOf?: unknown }).asOf;
    const parsed = parseAsOf(typeof asOf === 'string' ? asOf : undefined);
    if (E.isRight(parsed)) {
      const within = await session.cairn.checkAsOf(parsed.right);
      if (E.isLeft(within)) usage(within.left.field, within.left.reason);
    }
    return await body(session);
  } finally {
    await session.close();
  }
}

/** The value of a client read, or the failure its error stands for (an ambiguous or malformed id is a usage error). */
export function orFailRead<T>(result: E.Either<ReadError | { readonly _tag: string }, T>): T {
  if (E.isRight(result)) return result.right;
  const error = result.left;
  fail(error._tag === 'AmbiguousCfPrefix' ? ExitCode.usage : exitCodeOf(error), messageOf(error), error);
}

/**
 * The full CF id an argument names: a full id as it is, a prefix (6+ hex, git-style) looked up
 * after a catch-up so the CF just appended is found. `field` names the argument in errors.
 */
export async function cfArg(session: Session, text: string, field = 'CF'): Promise<CfId> {
  if (CfId.is(text)) return text;
  await session.catchUp();
  return orFailRead(await session.cairn.resolveCf(text, field));
}
