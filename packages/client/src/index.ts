// @cairn/client: the one API every surface (CLI, server) answers from. Open a store, write
// through the SDK's ledger, read typed answers from the projections; errors are tagged values.
export {
  openCairn,
  projectionsFor,
  type Cairn,
  type OpenCairnOptions,
  type DatasetVersions,
  type DatasetVersionEntry,
  type VersionShow,
  type DiffAnswer,
  type WhyResult,
  type LicensesAnswer,
  type CfShowAnswer,
  type BuildResult,
  type ReplacementResult,
  type LatestReads,
} from './cairn.js';
export type {
  CairnReads,
  CardFacts,
  ReportAnswer,
  StatusCounts,
  CreditAnswer,
  AttestFacts,
  ContaminationAnswer,
  VerifyProjectionsRequest,
} from './reads.js';
// The run answers as the library gives them, for surfaces that show them (the explorer's run page).
export type { RunDetail, RunSummary, CreditShares, CreditShare, QueryTop } from '@cairn/attribution';
export type { ContributorMatch } from '@cairn/lineage';
export {
  logLeaves,
  latestTreeHead,
  signCurrentTreeHead,
  witnessCosignature,
  type CosignRefused,
  type LogLeaves,
  type LogReadError,
  type TreeHeadAnswer,
  type TreeHeadError,
} from './tree-head.js';
export { appendLogCheckpoint, type CheckpointAnswer, type CheckpointError } from './checkpoint.js';
export { trustedHeadOf, type SinceError } from './verify-since.js';
export { openRemoteEventLog, type RemoteLogOptions } from './remote/remote-log.js';
export {
  usageError,
  type UsageError,
  type StoreError,
  type LedgerConfigInvalid,
  type CatchUpFailed,
  type VersionNotFound,
  type CfNotFound,
  type AmbiguousCfPrefix,
  type OpenError,
  type RefError,
  type ReadError,
} from './errors.js';
export { resolveStoreLocation, localDirOf, DEFAULT_STORE_DIR, type StoreLocation, type Env } from './store-location.js';
export { storeLockOptions, storeInUse, lockTimeoutSecondsOf, DEFAULT_LOCK_TIMEOUT_SECONDS, type StoreLockSettings } from './store-lock.js';
export {
  readLedgerConfig,
  parseLimitSettings,
  writeLimits,
  effectiveLimits,
  ledgerConfigPath,
  LEDGER_CONFIG_FILE,
  type LedgerConfig,
} from './ledger-config.js';
export { parseAsOf, asOfBeyondHead, checkAsOfWithinHead } from './as-of.js';
export { parseVersionRef, distinctVersions, resolveVersionRef, type VersionRef, type ResolvedVersion } from './version-ref.js';
export { resolveCfRef, cfPrefixOf, isFullCfId } from './cf-ref.js';
export {
  versionExport,
  readSampleBytes,
  materialiseVersion,
  folderExportFacts,
  sendOpenLineage,
  type LineageNotSent,
  type ExportError,
  type SampleReadError,
  type MaterialiseOptions,
  type MaterialisedExport,
} from './exports.js';
export { cardMarkdown } from './card-markdown.js';
export { statusDocument, failureLine, type StatusDocument, type StatusUnavailable } from './status-document.js';
// The export shapes, so a surface renders a version without reaching into @cairn/datasets.
export { memberLine, toJsonl, toOpenLineage, toCroissant, type VersionExport } from '@cairn/datasets';
export { renderLineage, type LineageFormat } from '@cairn/lineage';
export type { DatasetSearch, DatasetListEntry } from '@cairn/datasets';
export {
  openRemoteCairn,
  remoteLocationOf,
  isServerUrl,
  type RemoteCairn,
  type RemoteCairnOptions,
  type RemoteLocation,
  type SharedReads,
} from './remote/remote-cairn.js';
export { readRemoteSampleBytes } from './remote/sample-bytes.js';
export { materialiseRemoteVersion } from './remote/export-folder.js';
export { exportFactsHeader, exportFactsMember, ExportFactsHeader, ExportFactsMember } from './wire/export-facts.js';
export type { FolderFacts } from './export-folder.js';
export { METADATA_PRIVATE_FIELD } from './remote/read-error.js';
export * from './wire/queries.js';
export {
  StatusAnswer,
  StatusDocumentAnswer,
  ResolvedVersionAnswer,
  DatasetVersionsAnswer,
  DiffAnswerCodec,
  ImpactAnswer,
} from './wire/answers.js';
export { openRequestNonces, type RequestNonceTable, type RequestNoncesUnavailable } from './request-nonces.js';
export {
  roleHolders,
  roleHolderOf,
  rolesOf,
  contributorStanding,
  type RoleHolder,
  type RoleHolders,
  type ContributorStanding,
} from './contributors.js';
export { RoleHoldersAnswer, ContributorStandingAnswer, TreeHeadWireAnswer } from './wire/contributors.js';
// The types the reads answer with and the renderings a surface prints them in, so a surface names
// what it is given (and the CLI depends on no projection) without reaching past the client.
export type {
  AsOf,
  Projection,
  ProjectionFailure,
  ProjectionRunner,
  ProjectionStore,
  ProjectionVerification,
  BadRow,
} from '@cairn/projector';
export type { FolderLockOptions, RecordedEvent } from '@cairn/eventlog';
export type { CfHistory, LineageTrace, TraceDirection } from '@cairn/lineage';
export type { ShownEvent, MemberPage, LicenseReport, Impact, VersionDiff, ErasedMember } from '@cairn/datasets';
export type { ArtifactStore, FieldChange, RunsDiff } from '@cairn/attribution';
export { diffToText, mlflowDatasetInput } from '@cairn/datasets';
export { exportText, TEXT_EXPORT_FORMATS, type TextExportFormat } from './export-text.js';
export {
  localRunFacts,
  runRecordKeeping,
  storeRunArtifact,
  queryRowsOf,
  type RunFacts,
  type RunFactsError,
  type ArtifactKind,
  type StoredArtifact,
  type RecordKeeping,
  type RecordLine,
  type Attribution,
  type ScoreBlocks,
} from './run-facts.js';
export { openRemoteRuns, ATTRIBUTE_ROWS_PER_REQUEST, type RemoteRunsOptions } from './remote/remote-runs.js';
export { statementStoreChecks, type StatementKind } from './statement-checks.js';
export * from './wire/run-queries.js';
// The training side's answer shapes, so a surface prints them without reaching into the projections.
export type { QueryAttribution, GradientKind, PassportPredicate, RecordRole, AttributionEstimator } from '@cairn/attribution';
export type { ContaminationReport, SideSummary } from '@cairn/datasets';
export { npyHeader, type MatrixF32 } from '@cairn/kernel';
export { versionAttestationOf, type UnsignedVersionPredicate } from './attestation.js';
