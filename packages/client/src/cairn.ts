// openCairn: one open store (the SDK's ledger for writes, the projection tables for reads, the
// runner that keeps them current) and the typed reads every surface answers from. The CLI and
// the server call these; neither opens a store nor reads a projection table itself.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, FolderLockOptions } from '@cairn/eventlog';
import { openLedgerWith, type Ledger, type LedgerError, type SizeLimits } from '@cairn/sdk';
import type { CfId, EventId, VersionId } from '@cairn/schemas';
import {
  createProjectionRunner,
  openProjectionStore,
  positionAtTime,
  type AsOf,
  type Projection,
  type ProjectionFailure,
  type ProjectionRunner,
  type ProjectionStore,
  type RunnerProgress,
} from '@cairn/projector';
import { history, lineageProjection, trace, type CfHistory, type LineageTrace, type TraceOptions } from '@cairn/lineage';
import {
  buildOutcome,
  datasetBuilds,
  datasetsProjection,
  diffReader,
  impact,
  inclusionProof,
  licenses,
  readVersion,
  replacementOutcomes,
  showCf,
  versionMembers,
  whereFromVersion,
  whyReader,
  type CfShow,
  type DatasetInclusionProof,
  type Impact,
  type LicenseReport,
  type MemberPage,
  type MemberPageRequest,
  type ReplacementOutcome,
  type VersionDiff,
  type VersionOrigin,
  type WhyAnswer,
} from '@cairn/datasets';
import {
  cfFactsFromLog,
  closeAttributionKernel,
  createAttributionProjection,
  createFolderArtifactStore,
  type ArtifactStore,
} from '@cairn/attribution';
import { checkAsOfWithinHead } from './as-of.js';
import { readsOver, type CairnReads } from './reads.js';
import { resolveCfRef } from './cf-ref.js';
import type { CatchUpFailed, OpenError, ReadError, RefError, UsageError } from './errors.js';
import { effectiveLimits, readLedgerConfig } from './ledger-config.js';
import { storeInUse } from './store-lock.js';
import { localDirOf, resolveStoreLocation, type Env, type StoreLocation } from './store-location.js';
import { versionMemo } from './version-memo.js';
import { distinctVersions, parseVersionRef, resolveVersionRef, type ResolvedVersion } from './version-ref.js';
import { isSha256Hex, type AuthorshipProof, type ProofFile } from '@cairn/core';

export interface OpenCairnOptions {
  /** The store: a location, or the text of --store / CAIRN_STORE (resolved with `projections` and `env`). */
  readonly store?: StoreLocation | string;
  /** The projections' Postgres URL beside an esdb:// store (--projections / CAIRN_PROJECTIONS). */
  readonly projections?: string;
  /** The environment to resolve against (CAIRN_STORE, CAIRN_PROJECTIONS, CAIRN_KEYS); never read from the process here. */
  readonly env?: Env;
  /** Make a missing embedded folder instead of refusing (cairn init). */
  readonly create?: boolean;
  /** Signature-verifying worker threads for bulk ingest (default 0: one-shot callers skip the pool). */
  readonly verifyWorkers?: number;
  /** How to wait for an embedded store another process holds (storeLockOptions); default: fail at once. */
  readonly lock?: FolderLockOptions;
  /**
   * Where an embedded store's projections run their PGlite: on a worker thread of their own
   * ('worker', the default: the caller's event loop stays free while a statement runs, as a server
   * needs), or on the caller's thread ('caller': no second worker to start, for a process that
   * asks one question and exits).
   */
  readonly projectionsThread?: 'worker' | 'caller';
  /** Catch-up progress, per projection, as the runner reports it. */
  readonly onProgress?: (progress: RunnerProgress) => void;
  /** An event a projection could not apply: told once, when the runner passes it. */
  readonly onEventFailed?: (failure: ProjectionFailure) => void;
}

export interface DatasetVersionEntry extends ResolvedVersion {
  readonly merkleRoot: string;
  readonly memberCount: number;
  /** Every cut that produced this version (re-assemblies included), up to the as-of bound. */
  readonly builds: readonly { readonly position: bigint; readonly cause: string; readonly causeEventId: string }[];
}

export interface DatasetVersions {
  readonly dataset: string;
  /** The version of the latest cut (null: none yet). */
  readonly current: VersionId | null;
  readonly versions: readonly DatasetVersionEntry[];
}

/** One version with where its members come from, and one page of its members. */
export type VersionShow = ResolvedVersion & VersionOrigin & Pick<MemberPage, 'members' | 'total' | 'offset' | 'limit' | 'next'>;

export type DiffAnswer = VersionDiff & { readonly from: ResolvedVersion; readonly to: ResolvedVersion };
export type WhyResult = WhyAnswer & { readonly ref: ResolvedVersion };
export type LicensesAnswer = LicenseReport & { readonly ref: ResolvedVersion };
export type CfShowAnswer = Omit<CfShow, 'versions'> & {
  /** Contributor id → registered name, for every signer named above. */
  readonly names: Readonly<Record<string, string>>;
  readonly versions: readonly (CfShow['versions'][number] & { readonly ordinal: number | null })[];
};
export type BuildResult = {
  /** The version the build cut, with its ordinal; null while the projections have not cut it. */
  readonly version: (ResolvedVersion & { readonly merkleRoot: string; readonly memberCount: number }) | null;
  /** True when the cut is the version the dataset was already at. */
  readonly unchanged: boolean;
};
export type ReplacementResult = ReplacementOutcome & { readonly ordinal: number | null };
/** The reads Cairn.latestAt gives (those that name a version), answered as the Cairn's own. */
export type LatestReads = Pick<Cairn, 'resolveVersion' | 'datasetShow' | 'why' | 'diff' | 'trace' | 'inclusionProof' | 'licenses'>;

export interface Cairn extends CairnReads {
  readonly location: StoreLocation;
  /** Where signers, sample blobs, sample keys and ledger.json live. */
  readonly localDir: string;
  /** The writes: the SDK's ledger (it checks every rule before appending). */
  readonly ledger: Ledger;
  readonly store: ProjectionStore;
  readonly runner: ProjectionRunner;
  readonly projections: readonly Projection[];
  /** Gradient artifacts by content hash: `<localDir>/artifacts/<sha256>.npy`. */
  readonly artifacts: ArtifactStore;
  /** The size limits the ledger admits events under (defaults, with `<localDir>/ledger.json` laid over them). */
  readonly limits: SizeLimits;
  /** Brings every projection up to the head of the log. Reads answer from what the projections hold. */
  catchUp(): Promise<E.Either<CatchUpFailed, void>>;
  close(): Promise<void>;

  /** Refuses an as-of position past the head of the log (`field` names the argument). */
  checkAsOf(asOf: AsOf | undefined, field?: string): Promise<E.Either<UsageError, void>>;
  /** The position an AsOf names: undefined = now, null = before the first event. */
  positionOf(asOf: AsOf | undefined): Promise<bigint | null | undefined>;
  /** NAME@N, NAME@latest, NAME (latest) or NAME@<version id prefix>, as of a moment. */
  resolveVersion(text: string, asOf?: AsOf, field?: string): Promise<E.Either<RefError, ResolvedVersion>>;
  /**
   * The reads that name a version, for a caller that knows the head the projections hold and that
   * no catch-up writes while it reads (the server, under its read lock): a reference at the
   * latest is resolved once per head instead of on every read.
   */
  latestAt(head: bigint | null): LatestReads;
  /** A CF id, or a unique prefix of one (6+ hex); `field` names the argument in errors. */
  resolveCf(text: string, field?: string): Promise<E.Either<RefError, CfId>>;

  /** Every version of a dataset in the order first cut. */
  datasetVersions(dataset: string, asOf?: AsOf): Promise<E.Either<ReadError, DatasetVersions>>;
  /** One version, its origin and a page of its members. */
  datasetShow(ref: string, page: MemberPageRequest, asOf?: AsOf): Promise<E.Either<ReadError, VersionShow>>;
  /** What the build request `eventId` of `dataset` cut. */
  buildResult(dataset: string, eventId: EventId): Promise<BuildResult>;
  /** The datasets re-assembled because of the amendment or supersession `cfId` (a CfId, or the event id a log reader has of it), with what became of it there. */
  replacementOutcomes(cfId: EventId): Promise<readonly ReplacementResult[]>;
  /** The CF as the ledger knew it, now or as of a moment (a CF appended later is CfNotFound). */
  show(cf: string, asOf?: AsOf): Promise<E.Either<ReadError, CfShowAnswer>>;
  why(cf: string, ref: string, asOf?: AsOf): Promise<E.Either<ReadError, WhyResult>>;
  diff(a: string, b: string, asOf?: AsOf): Promise<E.Either<ReadError, DiffAnswer>>;
  impact(cf: string, asOf?: AsOf): Promise<E.Either<ReadError, Impact>>;
  history(cf: string, asOf?: AsOf): Promise<E.Either<ReadError, CfHistory>>;
  /** The lineage around a CF (id or prefix), a version id, or a version reference. */
  trace(target: string, options?: TraceOptions): Promise<E.Either<ReadError, LineageTrace>>;
  inclusionProof(
    cf: string,
    ref: string,
    asOf?: AsOf,
  ): Promise<E.Either<ReadError, DatasetInclusionProof & { readonly ref: ResolvedVersion }>>;
  licenses(ref: string, asOf?: AsOf): Promise<E.Either<ReadError, LicensesAnswer>>;
  /** The inclusion proof as the file `cairn prove` writes (checked offline by core's checkProof). */
  proofFile(cf: string, ref: string, asOf?: AsOf): Promise<E.Either<ReadError, ProofFile>>;
  /** Who signed a CF (id or prefix): its envelope, key and, for a sealed CF, seal and audit path. */
  authorship(cf: string): Promise<E.Either<ReadError | LedgerError, AuthorshipProof>>;
}

/**
 * The projections a store keeps, in the order the runner applies them. Attribution reads its
 * gradient artifacts from the store's folder and its CFs from the store's log, so it is made per store.
 */
export function projectionsFor(artifacts: ArtifactStore, log: EventLog): readonly Projection[] {
  return [lineageProjection, datasetsProjection, createAttributionProjection({ artifacts, cfFacts: cfFactsFromLog(log) })];
}

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

export async function openCairn(options: OpenCairnOptions = {}): Promise<E.Either<OpenError, Cairn>> {
  const env = options.env ?? {};
  const resolved =
    typeof options.store === 'object' ? E.right(options.store) : resolveStoreLocation(options.store, options.projections, env);
  if (E.isLeft(resolved)) return resolved;
  const location = resolved.right;
  const localDir = localDirOf(location, env);
  if (location.kind === 'embedded') {
    if (!options.create && !existsSync(path.join(location.dir, 'log')))
      return E.left({
        _tag: 'StoreMissing',
        dir: location.dir,
        message: `no Cairn ledger in ${location.dir} (run \`cairn init\` there, or give --store / CAIRN_STORE)`,
      });
    await mkdir(path.join(location.dir, 'projections'), { recursive: true });
  }
  const config = await readLedgerConfig(localDir);
  if (E.isLeft(config)) return config;
  const limits = config.right.limits;
  let ledger: Ledger | undefined;
  let store: ProjectionStore;
  // An embedded store is one process's at a time (the ledger locks it before opening anything in
  // it, the projections their own folder): a second open waits, then fails as StoreInUse.
  const lock = options.lock ?? { timeoutMs: 0 };
  try {
    const verifyWorkers = options.verifyWorkers ?? 0;
    // The projections open beside the log once the store is locked: the two embedded databases
    // start in parallel instead of one after the other.
    const opened = await openLedgerWith(
      location.kind === 'embedded'
        ? { dir: location.dir, verifyWorkers, lock, limits }
        : location.kind === 'postgres'
          ? { dir: localDir, postgres: location.url, verifyWorkers, limits }
          : { dir: localDir, esdb: location.url, verifyWorkers, limits },
      () =>
        openProjectionStore(
          location.kind === 'embedded'
            ? { dataDir: path.join(location.dir, 'projections'), lock, thread: options.projectionsThread ?? 'worker' }
            : { connectionString: location.kind === 'postgres' ? location.url : location.projections },
        ),
    );
    ledger = opened.ledger;
    store = opened.beside;
  } catch (cause) {
    // The ledger holds the store's lock: an open that failed halfway must not keep it.
    await ledger?.close().catch(() => undefined);
    return E.left(storeInUse(cause) ?? { _tag: 'StoreUnavailable', message: `the store could not be opened: ${message(cause)}` });
  }
  const artifacts = createFolderArtifactStore(localDir);
  const projections = projectionsFor(artifacts, ledger.log);
  const runner = createProjectionRunner({
    log: ledger.log,
    store,
    projections,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onEventFailed ? { onEventFailed: options.onEventFailed } : {}),
  });
  return E.right(cairnOver({ location, localDir, ledger, store, runner, projections, artifacts, limits: effectiveLimits(config.right) }));
}

type Parts = Pick<Cairn, 'location' | 'localDir' | 'ledger' | 'store' | 'runner' | 'projections' | 'artifacts' | 'limits'>;

function cairnOver(parts: Parts): Cairn {
  const { ledger, store, runner } = parts;
  const db = store.db;
  const positionOf = async (asOf: AsOf | undefined): Promise<bigint | null | undefined> =>
    asOf === undefined ? undefined : typeof asOf === 'bigint' ? asOf : positionAtTime(db, asOf.time);
  const resolveVersion = async (text: string, asOf?: AsOf, field?: string): Promise<E.Either<RefError, ResolvedVersion>> => {
    const ref = parseVersionRef(text, field);
    if (E.isLeft(ref)) return ref;
    return resolveVersionRef(db, ref.right, await positionOf(asOf));
  };
  const memo = versionMemo();
  const latestAt =
    (head: bigint | null): Cairn['resolveVersion'] =>
    (text, asOf, field) =>
      asOf === undefined ? memo.at(head, text, field, () => resolveVersion(text, undefined, field)) : resolveVersion(text, asOf, field);
  const resolveCf = (text: string, field = 'CF') => resolveCfRef(db, text, field);
  const ordinalsOf = async (datasets: Iterable<string>): Promise<Map<string, number>> => {
    const ordinals = new Map<string, number>();
    for (const dataset of new Set(datasets))
      for (const v of distinctVersions(await datasetBuilds(db, dataset))) ordinals.set(v.versionId, v.ordinal);
    return ordinals;
  };
  const withCf = async <T>(
    text: string,
    field: string,
    read: (cfId: string) => Promise<E.Either<ReadError, T>>,
  ): Promise<E.Either<ReadError, T>> => {
    const cfId = await resolveCf(text, field);
    return E.isLeft(cfId) ? cfId : read(cfId.right);
  };
  const asOfOption = (asOf: AsOf | undefined) => (asOf === undefined ? {} : { asOf });
  /** A read of a CF in a version. The version first: a reference that names nothing is the answer, whatever the CF. */
  const cfInVersion = async <T>(
    resolve: Cairn['resolveVersion'],
    text: string,
    ref: string,
    asOf: AsOf | undefined,
    read: (cfId: string, v: ResolvedVersion) => Promise<E.Either<ReadError, T>>,
  ): Promise<E.Either<ReadError, T>> => {
    const v = await resolve(ref, asOf);
    if (E.isLeft(v)) return v;
    return withCf(text, 'CF', (cfId) => read(cfId, v.right));
  };

  // Whys asked together (the server's callers, a script's Promise.all) share statements.
  const whyOf = whyReader(db);
  // Each read that names a version, over the resolution it is given: the Cairn's own, or the one
  // latestAt remembers per head.
  const whyWith =
    (resolve: Cairn['resolveVersion']): Cairn['why'] =>
    (text, ref, asOf) =>
      cfInVersion(resolve, text, ref, asOf, async (cfId, v) => E.map((w: WhyAnswer) => ({ ...w, ref: v }))(await whyOf(cfId, v.versionId)));
  const proofWith =
    (resolve: Cairn['resolveVersion']): Cairn['inclusionProof'] =>
    (text, ref, asOf) =>
      cfInVersion(resolve, text, ref, asOf, async (cfId, v) =>
        E.map((p: DatasetInclusionProof) => ({ ...p, ref: v }))(await inclusionProof(db, cfId, v.versionId)),
      );
  // The Cairn's own proof read, made once: inclusionProof and every proofFile share it.
  const ownProof = proofWith(resolveVersion);
  const datasetShowWith =
    (resolve: Cairn['resolveVersion']): Cairn['datasetShow'] =>
    async (ref, page, asOf) => {
      const v = await resolve(ref, asOf);
      if (E.isLeft(v)) return v;
      const origin = await whereFromVersion(db, v.right.versionId);
      if (E.isLeft(origin)) return origin;
      const members = await versionMembers(db, v.right.versionId, page);
      if (E.isLeft(members)) return members;
      const m = members.right;
      return E.right({ ...v.right, ...origin.right, members: m.members, total: m.total, offset: m.offset, limit: m.limit, next: m.next });
    };
  // A diff once computed is kept (diffReader): asked again, it is a lookup.
  const diffOf = diffReader(db);
  /** `head`: the head the projections hold, for latestAt's reads (no catch-up writes while they read). */
  const diffWith =
    (resolve: Cairn['resolveVersion'], head?: bigint | null): Cairn['diff'] =>
    async (a, b, asOf) => {
      const from = await resolve(a, asOf);
      if (E.isLeft(from)) return from;
      const to = await resolve(b, asOf);
      if (E.isLeft(to)) return to;
      // pinned to the moment asked: a build or asset after it is no part of the answer
      const at = asOf === undefined ? (head ?? undefined) : ((await positionOf(asOf)) ?? undefined);
      const settled = asOf === undefined && at !== undefined;
      return E.map((d: VersionDiff) => ({ ...d, from: from.right, to: to.right }))(
        await diffOf(from.right.versionId, to.right.versionId, { ...(at === undefined ? {} : { upTo: at }), settled }),
      );
    };
  const licensesWith =
    (resolve: Cairn['resolveVersion']): Cairn['licenses'] =>
    async (ref, asOf) => {
      const v = await resolve(ref, asOf);
      if (E.isLeft(v)) return v;
      return E.map((l: LicenseReport) => ({ ...l, ref: v.right }))(await licenses(db, v.right.versionId));
    };
  const traceWith =
    (resolve: Cairn['resolveVersion']): Cairn['trace'] =>
    async (target, options = {}) => {
      // A full id is any node's; other hex is a CF id prefix, or else a dataset that happens to
      // have a hex name; anything else is a version reference.
      let id: string;
      if (isSha256Hex(target)) id = target;
      else {
        const cf = /^[0-9a-f]+…?$/.test(target) ? await resolveCf(target, 'TARGET') : undefined;
        if (cf !== undefined && E.isRight(cf)) id = cf.right;
        else {
          const v = await resolve(target, options.asOf);
          if (E.isLeft(v)) return cf ?? v;
          id = v.right.versionId;
        }
      }
      return trace(db, id, options);
    };
  let latest: { readonly head: bigint | null; readonly reads: LatestReads } | undefined;

  return {
    ...parts,
    ...readsOver({ ...parts, resolveVersion, positionOf }),
    catchUp: async () => {
      // The projections move: a reference remembered at a head may name another version now.
      memo.forget();
      const r = await runner.runOnce().finally(() => memo.forget());
      return E.isLeft(r)
        ? E.left({ _tag: 'CatchUpFailed', message: `the projections could not catch up: ${r.left.message}` })
        : E.right(undefined);
    },
    close: async () => {
      // The attribution kernel's worker threads would keep the process alive after the caller is done.
      try {
        await closeAttributionKernel();
      } finally {
        await store.close();
        await ledger.close();
      }
    },
    checkAsOf: (asOf, field) => checkAsOfWithinHead(asOf, ledger.log, field),
    positionOf,
    resolveVersion,
    latestAt: (head) => {
      if (latest?.head !== head) {
        const resolve = latestAt(head);
        latest = {
          head,
          reads: {
            resolveVersion: resolve,
            datasetShow: datasetShowWith(resolve),
            why: whyWith(resolve),
            diff: diffWith(resolve, head),
            trace: traceWith(resolve),
            inclusionProof: proofWith(resolve),
            licenses: licensesWith(resolve),
          },
        };
      }
      return latest.reads;
    },
    resolveCf,

    datasetVersions: async (dataset, asOf) => {
      const at = await positionOf(asOf);
      const builds = await datasetBuilds(db, dataset);
      const upTo = builds.filter((b) => at === undefined || (at !== null && b.position <= at));
      const versions: DatasetVersionEntry[] = [];
      for (const v of distinctVersions(builds, at)) {
        const full = await readVersion(db, v.versionId);
        if (E.isLeft(full)) return full;
        const cuts = upTo.filter((b) => b.versionId === v.versionId);
        versions.push({
          ...v,
          merkleRoot: full.right.merkleRoot,
          memberCount: full.right.memberCount,
          builds: cuts.map((b) => ({ position: b.position, cause: b.cause, causeEventId: b.causeEventId })),
        });
      }
      return E.right({ dataset, current: upTo.at(-1)?.versionId ?? null, versions });
    },
    datasetShow: datasetShowWith(resolveVersion),
    buildResult: async (dataset, eventId) => {
      const outcome = await buildOutcome(db, dataset, eventId);
      const resolved = outcome
        ? distinctVersions(await datasetBuilds(db, dataset)).find((v) => v.versionId === outcome.build.versionId)
        : undefined;
      const v = resolved ? await readVersion(db, resolved.versionId) : undefined;
      return {
        version: resolved && v && E.isRight(v) ? { ...resolved, merkleRoot: v.right.merkleRoot, memberCount: v.right.memberCount } : null,
        unchanged: outcome?.unchanged ?? false,
      };
    },
    replacementOutcomes: async (cfId) => {
      const outcomes = await replacementOutcomes(db, cfId);
      const ordinals = await ordinalsOf(outcomes.map((o) => o.dataset));
      return outcomes.map((o) => ({ ...o, ordinal: ordinals.get(o.versionId) ?? null }));
    },
    show: (text, asOf) =>
      withCf(text, 'CF', async (cfId) => {
        const cf = await showCf(db, ledger.log, cfId, asOfOption(asOf));
        if (E.isLeft(cf)) return cf;
        const names: Record<string, string> = {};
        for (const id of new Set([cf.right, ...cf.right.later, ...cf.right.targetedBy, ...cf.right.replacedBy].map((e) => e.signer))) {
          const c = await ledger.contributors.get(id);
          if (E.isRight(c) && c.right !== undefined) names[id] = c.right.name;
        }
        const ordinals = await ordinalsOf(cf.right.versions.map((v) => v.dataset));
        return E.right({
          ...cf.right,
          names,
          versions: cf.right.versions.map((v) => ({ ...v, ordinal: ordinals.get(v.versionId) ?? null })),
        });
      }),
    why: whyWith(resolveVersion),
    diff: diffWith(resolveVersion),
    impact: (text, asOf) => withCf(text, 'CF', (cfId) => impact(db, cfId, asOfOption(asOf))),
    history: (text, asOf) => withCf(text, 'CF', (cfId) => history(db, cfId, asOfOption(asOf))),
    trace: traceWith(resolveVersion),
    inclusionProof: ownProof,
    proofFile: async (text, ref, asOf) =>
      E.map((p: DatasetInclusionProof & { readonly ref: ResolvedVersion }): ProofFile => ({
        cairnInclusionProof: 1,
        cfId: p.cfId,
        dataset: p.ref.dataset,
        versionId: p.ref.versionId,
        manifestId: p.manifestId,
        merkleRoot: p.proof.root,
        proof: p.proof,
      }))(await ownProof(text, ref, asOf)),
    authorship: async (text) => {
      const cfId = await resolveCf(text, 'CF');
      return E.isLeft(cfId) ? cfId : ledger.authorship(cfId.right);
    },
    licenses: licensesWith(resolveVersion),
  };
}
