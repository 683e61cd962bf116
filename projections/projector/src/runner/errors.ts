// What can stop the runner, as values with a stable `_tag` (the CLI maps them to exit codes).
import type { EventLogError, LogPosition } from '@cairn/eventlog';

export type RunnerError =
  | {
      /** An event in the log is not a Cairn event this build understands (the runner records it as failed). */
      readonly _tag: 'EventUndecodable';
      readonly position: LogPosition;
      readonly eventId: string;
      readonly type: string;
      /** Dotted path of the first bad field, e.g. `SampleContributed.payload.license`. */
      readonly field: string;
      readonly reason: string;
      readonly message: string;
    }
  | { readonly _tag: 'LogUnavailable'; readonly error: EventLogError; readonly message: string }
  | {
      /** A projection's handler or the store failed while applying a batch (nothing of it committed). */
      readonly _tag: 'ProjectionFailed';
      readonly projection: string;
      readonly fromPosition: LogPosition;
      readonly toPosition: LogPosition;
      readonly reason: string;
      readonly cause: unknown;
      readonly message: string;
    }
  | { readonly _tag: 'UnknownProjection'; readonly projection: string; readonly message: string };

export function logUnavailable(error: EventLogError): RunnerError {
  const detail = error._tag === 'Unavailable' ? error.reason : error._tag;
  return { _tag: 'LogUnavailable', error, message: `the event log could not be read: ${detail}` };
}

export function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
