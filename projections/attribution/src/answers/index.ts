// The answers that read the attribution tables (runs, their checks, passports, record keeping).
export {
  listRuns,
  showRun,
  diffRuns,
  fieldChanges,
  runGradients,
  type RunsError,
  type RunSummary,
  type RunDetail,
  type RunGradients,
  type RunAttribution,
  type RunsDiff,
  type FieldChange,
} from './runs.js';
export {
  reproduceCheck,
  unlearning,
  type SampleRead,
  type ReproduceCheck,
  type ReproduceReport,
  type ReproduceCheckOptions,
  type ErasedInfluence,
  type AffectedQuery,
  type UnlearningAttribution,
  type UnlearningReport,
} from './runs-checks.js';
export { runRecordEvents, type RecordRole, type RecordedRef } from './record-keeping.js';
export { passportFacts, type PassportFacts, type PassportFlag, type PassportOptions } from './passport.js';
export { attestedVersionCheck, passportLedgerCheck, type PassportPredicate } from './statement-checks.js';
