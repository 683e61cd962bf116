export type { Projection, ProjectedEvent, AnyDB, ApplyContext } from './projection.js';
export {
  createProjectionRunner,
  type ProjectionRunner,
  type ProjectionRunnerOptions,
  type RunnerProgress,
  type CatchUpReport,
  type ProjectionStatus,
  type RunnerStatus,
  type RebuildOptions,
} from './runner.js';
export type { RunnerError } from './errors.js';
export { EventNotApplicable } from './event-failure.js';
export { FAILURES_TABLE, type ProjectionFailure } from './failures.js';
export type { RunnerStep, StepHook } from './batch.js';
export { defaultEventDecoder, type EventDecoder } from './decode.js';
export { positionAtTime } from './log-times.js';
export { CHECKPOINTS_TABLE, LOG_TIMES_TABLE } from './runner-tables.js';
