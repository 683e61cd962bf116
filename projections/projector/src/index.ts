// @cairn/projector: the runner that feeds log events to projections, the projection store, the
// rebuild and log-time checks, and the given/when/then spec kit. The one door of this package.
export type { Projection, ProjectedEvent, ApplyContext } from './runner/projection.js';
export type { SomeProjectionsDatabase } from './storage/db.js';
export type { RunnerDatabase } from './runner/runner-tables.js';
export {
  createProjectionRunner,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
  type RunnerProgress,
  type CatchUpReport,
  type ProjectionStatus,
  type RunnerStatus,
  type RebuildOptions,
} from './runner/runner.js';
export type { RunnerError } from './runner/errors.js';
export { EventNotApplicable } from './runner/event-failure.js';
export { FAILURES_TABLE, type ProjectionFailure } from './runner/failures.js';
export type { RunnerStep, StepHook } from './runner/batch.js';
export { defaultEventDecoder, type EventDecoder } from './runner/decode.js';
export { positionAtTime } from './runner/log-times.js';
export { CHECKPOINTS_TABLE, LOG_TIMES_TABLE } from './runner/runner-tables.js';
export { openProjectionStore, quoteSchema, type ProjectionStore, type ProjectionStoreOptions } from './storage/store.js';
export { positionFromDb, nullablePositionFromDb, positionToDb } from './storage/positions.js';
export { cfIdFromDb, eventIdFromDb } from './storage/ids.js';
export { canonicalDump, type CanonicalDumpOptions } from './runner/canonical-dump.js';
export { textArrayLiteral, integerArrayLiteral, anyOfText } from './storage/array-literal.js';
export { copyField, copyNullableField, copyRows, copyRowsOrInsert } from './storage/copy.js';
export { isIdHex, idBytes, idBytesOf, idBytesArray, anyOfIdBytes, idBytesCopyField, idHex, idHexOrNull } from './storage/id-bytes.js';
export {
  newPGlite,
  projectionSpecification,
  type ProjectionSpecOptions,
  type Scenario,
  type ThenContext,
  type GivenEvent,
} from './testing/specification.js';
export { envelopeEvent, testContributorId, UNCHECKED_SIGNATURE, type TestEnvelope } from './testing/envelopes.js';
export { samplePayload, labelPayload, validationPayload, testDigest } from './testing/payloads.js';
export { appendRequestFor } from './testing/streams.js';
export { syntheticLineageLog, type SyntheticLog } from './testing/synthetic.js';
export { resolveAsOf, type AsOf } from './runner/as-of.js';
export { verifyProjections, type RebuildVerifyInputs, type ProjectionVerification, type BadRow } from './runner/rebuild-verify.js';
export { verifyLogTimes, type LogTimeline, type BadTime } from './runner/verify-log-times.js';
export { REQUEST_NONCES_TABLE, migrateRequestNonces, spendRequestNonce, forgetRequestNonces } from './storage/request-nonces.js';
