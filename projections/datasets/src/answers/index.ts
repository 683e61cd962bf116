export type { AnswerError } from './errors.js';
export { readVersion, latestBuildOf, datasetVersionsAsOf, datasetBuilds, type DatasetVersion, type Build } from './versions.js';
export {
  why,
  whyReader,
  WHY_BATCH,
  whyIncluded,
  whyExcluded,
  replacementOutcomes,
  type WhyAnswer,
  type WhyReader,
  type ReplacementOutcome,
} from './why.js';
export { whereFromCf, whereFromVersion, type CfOrigin, type VersionOrigin } from './where-from.js';
export { diff, type VersionDiff, type DiffEntry, type ChangedEntry, type DiffCause, type DiffOptions } from './diff.js';
export { diffReader, type DiffRead, type DiffReadOptions, type DiffReaderOptions } from './diff-memo.js';
export { diffSortedMembers, type MemberDiff } from './diff-merge.js';
export { diffToMermaid, diffToText } from './diff-picture.js';
export { impact, type Impact } from './impact.js';
export { inclusionProof, memberIndex, type DatasetInclusionProof } from './inclusion-proof.js';
export {
  licenses,
  resolveExpression,
  conflictsOf,
  LICENSE_RULES,
  type LicenseReport,
  type LicenseRules,
  type LicenseRule,
  type ConflictRule,
} from './licenses.js';
export { erasuresOf, erasedMembersOf, type Erasure } from './erasures.js';
export { buildOutcome, type BuildOutcome } from './build-outcome.js';
export { versionMembers, type VersionMember, type MemberPage, type MemberPageRequest } from './members.js';
export { showCf, type CfShow, type ShownEvent, type ShowError } from './show.js';
export { cfsByPrefix, MIN_CF_PREFIX } from './cf-prefix.js';
export { resolveEvalVersion, passportContamination, type PassportContamination } from './passport-contamination.js';
export * from './contamination/index.js';
export {
  memberFacts,
  memberIds,
  memberKinds,
  manifestById,
  versionRuns,
  validationStats,
  type MemberFact,
  type LogUnavailable,
  type KindCount,
  type VersionRun,
  type ValidationStats,
} from './version-facts.js';
export { versionCardFacts, type VersionCardFacts } from './card-facts.js';
export { reportFacts, type ReportFacts } from './report-facts.js';
export { datasetCounts, type DatasetCounts } from './dataset-counts.js';
export { trainingRuns, trainingRun, type TrainingRunIndex } from './training-runs.js';
export { memberIdsOfKind, personalDataMemberCount, unvalidatedMemberCount } from './member-flags.js';
export {
  cfsAmendingOthers,
  cfsNaming,
  manifestEventId,
  datasetEventId,
  buildCauseEventIds,
  deprecationEventIds,
  erasureEventIds,
  type CfLinks,
} from './record-trail.js';
export { versionInSchema, type ReplayedVersion } from './replayed-version.js';
export { datasetList, DATASET_LIST_LIMIT, type DatasetSearch, type DatasetListEntry } from './dataset-list.js';
