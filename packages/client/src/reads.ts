// The reads behind status, card, report, credit, attribute, runs, passport, attest, record-keeping,
// contamination and verify: plain values in, typed answers out, errors as tagged values. Each
// binds the store's tables, log, artifacts and sample reader, so neither the CLI nor the server
// reaches the projection tables itself.
import * as E from 'fp-ts/lib/Either.js';
import type { Check, LeafHashes, PassportPredicateCore, VersionPredicate } from '@cairn/core';
import type { LogPosition } from '@cairn/eventlog';
import { verifyLog, type Ledger, type LogVerification, type Signer, type VerifyLogOptions } from '@cairn/sdk';
import {
  verifyProjections,
  type AsOf,
  type LogTimeline,
  type Projection,
  type ProjectionRunner,
  type ProjectionStore,
  type ProjectionVerification,
} from '@cairn/projector';
import { contributorsByName, nodeCountsByKind, nodeLabels, type ContributorMatch } from '@cairn/lineage';
import {
  contamination,
  datasetBuilds,
  datasetCounts,
  datasetList,
  diff,
  erasedMembersOf,
  memberIds,
  readVersion,
  reportFacts,
  versionCardFacts,
  type ContaminationError,
  type ContaminationOptions,
  type ContaminationReport,
  type DatasetCounts,
  type DatasetListEntry,
  type DatasetSearch,
  type DatasetVersion,
  type Erasure,
  type KindCount,
  type LicenseReport,
  type LogUnavailable,
  type ReportFacts,
  type ValidationStats,
  type VersionDiff,
  type VersionOrigin,
} from '@cairn/datasets';
import {
  attestedVersionCheck,
  attributeQueries,
  cfFactsFromLog,
  attributionEstimator,
  attributionColumns,
  attributionScoreBlocks,
  creditShares,
  diffRuns,
  listRuns,
  passportFacts,
  queryTop,
  passportLedgerCheck,
  reproduceCheck,
  runRecordEvents,
  showRun,
  unlearning,
  type ArtifactStore,
  type AttributeQueriesOptions,
  type AttributionEstimator,
  type AttributionQueryError,
  type CreditShares,
  type PassportFacts,
  type QueryTop,
  type QueryTopError,
  type QueryAttribution,
  type RecordedRef,
  type ReproduceReport,
  type RunDetail,
  type RunsDiff,
  type RunsError,
  type RunSummary,
  type SampleRead,
  type ScoreMatrix,
  type UnlearningReport,
} from '@cairn/attribution';
import { errorText } from './error-text.js';
import { appendLogCheckpoint, type CheckpointAnswer, type CheckpointError } from './checkpoint.js';
import {
  latestTreeHead,
  logLeaves,
  recordCosignature,
  signCurrentTreeHead,
  type CosignRefused,
  type LogLeaves,
  type LogReadError,
  type TreeHeadAnswer,
  type TreeHeadError,
} from './tree-head.js';
import type { SignedTreeHead, TreeHeadCosignature } from '@cairn/schemas';
import type { ReadError, RefError } from './errors.js';
import { distinctVersions, type ResolvedVersion } from './version-ref.js';

/** The facts a provenance card of one version is written from. */
export interface CardFacts {
  readonly ref: ResolvedVersion;
  readonly origin: VersionOrigin;
  readonly kinds: readonly KindCount[];
  readonly licenses: LicenseReport & { readonly ref: ResolvedVersion };
  readonly validation: ValidationStats;
  readonly manifest: unknown;
  /** The version cut before it, and what changed since. */
  readonly previous: { readonly ref: ResolvedVersion; readonly diff: VersionDiff } | null;
  /** Members erased since the version was cut (as of now): still lineage, their bytes gone. */
  readonly erased: readonly Erasure[];
}

/** The card's facts and the EU AI Act Article 53(1)(d) facts of the same version. */
export interface ReportAnswer {
  readonly card: CardFacts;
  readonly facts: ReportFacts;
}

/** What `cairn status` counts: lineage nodes by kind, datasets and versions. */
export interface StatusCounts extends DatasetCounts {
  readonly nodes: Readonly<Record<'contributor' | 'sample' | 'label' | 'validation', number>>;
}

export interface CreditAnswer {
  readonly ref: ResolvedVersion;
  readonly shares: CreditShares;
}

/** The store's half of an attestation: the version as cut and its members erased since. */
export interface AttestFacts {
  readonly ref: ResolvedVersion;
  readonly version: DatasetVersion;
  readonly erasedMembers: readonly Erasure[];
}

export interface ContaminationAnswer {
  readonly trainRef: ResolvedVersion;
  readonly evalRef: ResolvedVersion;
  readonly report: ContaminationReport;
}

export interface VerifyProjectionsRequest {
  readonly logHead: LogPosition | null;
  /** Every log event's position and time (left unchecked when absent); a promise when the log is checked meanwhile. */
  readonly leaves?: LogTimeline | PromiseLike<LogTimeline | undefined>;
  /** Why catching the live tables up failed, if it did: they are compared where they stand. */
  readonly catchUpFailure?: string;
  /** Once aborted, the rebuild stops at its next read of the log and its verdict says so. */
  readonly signal?: AbortSignal;
}

export interface CairnReads {
  /** Human names of lineage nodes (contributor names, sample sources...); ids without one are left out. */
  labels(ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Contributors whose name (any case) or id starts with `prefix`, registered by `asOf` (now when absent); by name; at most `limit`. */
  contributors(prefix: string, limit: number, asOf?: AsOf): Promise<readonly ContributorMatch[]>;
  statusCounts(): Promise<StatusCounts>;
  /** The datasets defined, or those the search names (name prefix, member CF id prefix, contributor, source); now or as of a moment. */
  datasets(search?: DatasetSearch, asOf?: AsOf): Promise<readonly DatasetListEntry[]>;
  cardFacts(ref: string, asOf?: AsOf): Promise<E.Either<ReadError, CardFacts>>;
  reportFacts(ref: string, asOf?: AsOf): Promise<E.Either<ReadError | LogUnavailable, ReportAnswer>>;
  /** The CF ids of a version's members, in id order (a gradient artifact's row map). */
  memberIds(ref: string, asOf?: AsOf): Promise<E.Either<RefError, readonly string[]>>;
  attestFacts(ref: string, asOf?: AsOf): Promise<E.Either<ReadError, AttestFacts>>;
  /** The store's check of an attestation's predicate: its version and root are in the store. */
  attestationCheck(predicate: Partial<VersionPredicate>): Promise<Check>;
  /** The runs recorded; as of a moment when given. */
  runs(asOf?: AsOf): Promise<E.Either<RunsError, readonly RunSummary[]>>;
  /** One run in full; as of a moment when given (its gradients and scoring by then). */
  run(runId: string, asOf?: AsOf): Promise<E.Either<RunsError, RunDetail>>;
  diffRuns(a: string, b: string): Promise<E.Either<RunsError, RunsDiff>>;
  reproduceCheck(runId: string): Promise<E.Either<RunsError, ReproduceReport>>;
  unlearning(runId: string, topQueries?: number): Promise<E.Either<RunsError, UnlearningReport>>;
  /** The events that shaped a run's data, with the role each played. */
  runRecord(runId: string): Promise<E.Either<RunsError, readonly RecordedRef[]>>;
  passport(runId: string): Promise<E.Either<RunsError, PassportFacts>>;
  /** The store's check of a passport's predicate: the run, model hash, version and root are the ledger's. */
  passportCheck(predicate: Partial<PassportPredicateCore>): Promise<Check>;
  attributionEstimator(runId: string): Promise<E.Either<AttributionQueryError, AttributionEstimator>>;
  /** Each query row's top-k training CFs by TRAK score. */
  attribute(
    runId: string,
    queries: AttributeQueriesOptions['queries'],
    topK: number,
  ): Promise<E.Either<AttributionQueryError, QueryAttribution[]>>;
  /** The CF of each train row: column i of attributionScores' matrix is columns[i]. */
  attributionColumns(runId: string): Promise<E.Either<AttributionQueryError, readonly string[]>>;
  /** The full score matrix of the query rows against every training row. */
  attributionScores(runId: string, queries: AttributeQueriesOptions['queries']): Promise<E.Either<AttributionQueryError, ScoreMatrix>>;
  credit(runId: string, ref: string, asOf?: AsOf): Promise<E.Either<RefError | AttributionQueryError, CreditAnswer>>;
  /** The train CFs the run's scoring (as of `asOf`) stored for one of its recorded query rows, by rank. */
  queryTop(runId: string, queryRow: number, asOf?: AsOf): Promise<E.Either<QueryTopError, QueryTop>>;
  contamination(
    trainRef: string,
    evalRef: string,
    options?: ContaminationOptions,
  ): Promise<E.Either<RefError | ContaminationError, ContaminationAnswer>>;
  /** Rebuilds every projection into a scratch schema and compares it with the live tables. */
  verifyProjections(request: VerifyProjectionsRequest): Promise<ProjectionVerification>;
  /** Every event's leaf (id ‖ signature) of the log as it is now. */
  logLeaves(): Promise<E.Either<LogReadError, LogLeaves>>;
  /** Appends a LogCheckpointed signed by `signer`: the root over every event's leaf as the log is now. */
  checkpoint(signer: Signer): Promise<E.Either<CheckpointError, CheckpointAnswer>>;
  /** The log half of verify: every event decoded, signed and admitted under the SDK's rules, in order. */
  /** `options`: a trusted head to start from (verify --since) and worker threads for signatures. */
  verifyLog(onProgress?: (done: number) => void, leaves?: LeafHashes, options?: VerifyLogOptions): Promise<LogVerification>;
  /** Signs the head of the log as it is now with the ledger key and remembers it; `from`: a consistency proof from that size too. */
  treeHead(from?: number): Promise<E.Either<TreeHeadError, TreeHeadAnswer>>;
  /** The largest head the store remembers (the one a witness cosigns), or undefined when it has signed none. */
  latestTreeHead(): Promise<SignedTreeHead | undefined>;
  /** Keeps a witness's cosignature of a head this store signed, once it verifies. */
  recordCosignature(cosignature: TreeHeadCosignature): Promise<E.Either<CosignRefused, TreeHeadCosignature>>;
}

export interface ReadsContext {
  readonly localDir: string;
  readonly ledger: Ledger;
  readonly store: ProjectionStore;
  readonly runner: ProjectionRunner;
  readonly projections: readonly Projection[];
  readonly artifacts: ArtifactStore;
  readonly resolveVersion: (text: string, asOf?: AsOf, field?: string) => Promise<E.Either<RefError, ResolvedVersion>>;
  readonly positionOf: (asOf: AsOf | undefined) => Promise<bigint | null | undefined>;
}

export function readsOver(ctx: ReadsContext): CairnReads {
  const { ledger, store, runner, artifacts, resolveVersion } = ctx;
  /** The last position a moment covers: undefined for now; -1 before the log's first event (nothing is at or below it). */
  const upToOf = async (asOf: AsOf | undefined): Promise<bigint | undefined> => {
    if (asOf === undefined) return undefined;
    const at = await ctx.positionOf(asOf);
    return at === null ? -1n : at;
  };
  const db = store.db;
  const log = ledger.log;
  const readSample = (id: string) => ledger.samples.read(id);

  const cardFacts = async (ref: string, asOf?: AsOf): Promise<E.Either<ReadError, CardFacts>> => {
    const v = await resolveVersion(ref, asOf);
    if (E.isLeft(v)) return v;
    const facts = await versionCardFacts(db, v.right.versionId);
    if (E.isLeft(facts)) return facts;
    const earlier = distinctVersions(await datasetBuilds(db, v.right.dataset)).find((x) => x.ordinal === v.right.ordinal - 1);
    let previous: CardFacts['previous'] = null;
    if (earlier) {
      const d = await diff(db, earlier.versionId, v.right.versionId);
      if (E.isLeft(d)) return d;
      previous = { ref: earlier, diff: d.right };
    }
    const f = facts.right;
    return E.right({
      ref: v.right,
      origin: f.origin,
      kinds: f.kinds,
      licenses: { ...f.licenses, ref: v.right },
      validation: f.validation,
      manifest: f.manifest,
      previous,
      erased: f.erased,
    });
  };

  return {
    labels: (ids) => nodeLabels(db, ids),
    contributors: async (prefix, limit, asOf) => contributorsByName(db, prefix, limit, await ctx.positionOf(asOf)),
    statusCounts: async () => ({ nodes: await nodeCountsByKind(db), ...(await datasetCounts(db)) }),
    datasets: (search, asOf) => datasetList(db, search, asOf === undefined ? {} : { asOf }),
    cardFacts,
    reportFacts: async (ref, asOf) => {
      const card = await cardFacts(ref, asOf);
      if (E.isLeft(card)) return card;
      return E.map((facts: ReportFacts) => ({ card: card.right, facts }))(await reportFacts(db, log, card.right.origin.version.versionId));
    },
    memberIds: async (ref, asOf) => {
      const v = await resolveVersion(ref, asOf);
      return E.isLeft(v) ? v : E.right(await memberIds(db, v.right.versionId));
    },
    attestFacts: async (ref, asOf) => {
      const v = await resolveVersion(ref, asOf);
      if (E.isLeft(v)) return v;
      const version = await readVersion(db, v.right.versionId);
      if (E.isLeft(version)) return version;
      return E.right({ ref: v.right, version: version.right, erasedMembers: await erasedMembersOf(db, v.right.versionId) });
    },
    attestationCheck: (predicate) => attestedVersionCheck(db, predicate),
    runs: async (asOf) => listRuns(db, log, await upToOf(asOf)),
    run: async (runId, asOf) => showRun(db, log, runId, await upToOf(asOf)),
    diffRuns: (a, b) => diffRuns(db, log, a, b),
    reproduceCheck: (runId) =>
      reproduceCheck(db, runId, {
        readSample: async (cfId): Promise<SampleRead> => {
          const r = await readSample(cfId);
          if (E.isRight(r)) return { readable: true };
          return { readable: false, erased: r.left._tag === 'ErasedSample', reason: errorText(r.left) };
        },
        artifacts,
        replay: runner,
      }),
    unlearning: (runId, topQueries) => unlearning(db, runId, topQueries === undefined ? {} : { topQueries }),
    runRecord: (runId) => runRecordEvents(db, runId),
    passport: (runId) => passportFacts(db, log, runId, { readSample }),
    passportCheck: (predicate) => passportLedgerCheck(db, log, predicate),
    attributionEstimator: (runId) => attributionEstimator(db, runId),
    attribute: (runId, queries, topK) => attributeQueries({ db, artifacts, cfFacts: cfFactsFromLog(log), runId, queries, topK }),
    attributionColumns: (runId) => attributionColumns(db, runId),
    attributionScores: (runId, queries) => attributionScoreBlocks({ db, artifacts, runId, queries }),
    credit: async (runId, ref, asOf) => {
      const v = await resolveVersion(ref, asOf);
      if (E.isLeft(v)) return v;
      const at = await ctx.positionOf(asOf);
      const shares = await creditShares({
        db,
        runId,
        version: v.right.versionId,
        ...(at !== undefined && at !== null ? { asOf: at } : {}),
      });
      return E.map((s: CreditShares) => ({ ref: v.right, shares: s }))(shares);
    },
    queryTop: async (runId, queryRow, asOf) => {
      return queryTop(db, runId, queryRow, await upToOf(asOf));
    },
    contamination: async (train, against, options = {}) => {
      const trainRef = await resolveVersion(train);
      if (E.isLeft(trainRef)) return trainRef;
      const evalRef = await resolveVersion(against);
      if (E.isLeft(evalRef)) return evalRef;
      return E.map((report: ContaminationReport) => ({ trainRef: trainRef.right, evalRef: evalRef.right, report }))(
        await contamination(db, log, readSample, trainRef.right.versionId, evalRef.right.versionId, options),
      );
    },
    verifyProjections: (request) => verifyProjections({ db, runner, log, projections: ctx.projections, ...request }),
    logLeaves: () => logLeaves(log),
    checkpoint: (signer) => appendLogCheckpoint(ledger, signer),
    verifyLog: (onProgress, leaves, options) => verifyLog(log, onProgress, leaves, options),
    treeHead: (from) => signCurrentTreeHead(log, ctx.localDir, from),
    latestTreeHead: () => latestTreeHead(ctx.localDir),
    recordCosignature: (cosignature) => recordCosignature(ctx.localDir, cosignature),
  };
}
