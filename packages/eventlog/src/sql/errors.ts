// Driver failures become EventLogError values here, at the edge. pg and PGlite both raise
// errors carrying the SQLSTATE in `code` and the violated constraint in `constraint`.
import type { EventLogError } from '../port.js';

interface SqlErrorShape {
  readonly code?: unknown;
  readonly constraint?: unknown;
  readonly message?: unknown;
}

/** Thrown inside a transaction to roll it back with an expected failure as the outcome. */
export class Rejected extends Error {
  constructor(readonly error: EventLogError) {
    super(error._tag);
  }
}

export function sqlState(e: unknown): string | undefined {
  const code = (e as SqlErrorShape | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isProgrammerError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
}

/**
 * Translates a failure of one append batch. Unique violations can only come from a writer that
 * bypassed the adapter's checks (the checks run under the ordering lock), but they still map to
 * the port's conflicts rather than to an outage.
 */
export function translateSqlError(e: unknown, context: { stream?: string }): EventLogError {
  if (e instanceof Rejected) return e.error;
  if (isProgrammerError(e) && sqlState(e) === undefined) throw e;
  const code = sqlState(e);
  const constraint = (e as SqlErrorShape | null)?.constraint;
  const message = e instanceof Error ? e.message : String(e);
  if (code === '23505' && constraint === 'cairn_log_stream_revision_key')
    return { _tag: 'WrongExpectedRevision', stream: context.stream ?? '?', expected: { kind: 'any' }, actual: 'no-stream' };
  if (code === '23505' && constraint === 'cairn_log_id_key')
    return { _tag: 'DuplicateEventConflict', eventId: '', stream: context.stream ?? '?', existingStream: '?' };
  if (code === '23514' || code === '22P02' || code === '22021' || code === '54000')
    return { _tag: 'InvalidEvent', eventId: undefined, field: typeof constraint === 'string' ? constraint : 'event', reason: message };
  return { _tag: 'Unavailable', reason: code === undefined ? message : `${code}: ${message}`, cause: e };
}
