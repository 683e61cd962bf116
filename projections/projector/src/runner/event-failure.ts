// Which failures belong to an event and which to the world around it. An event the log accepted
// must never stop a projection for good, so a failure that the event itself causes, and would
// cause again on every retry, is recorded against it and the runner goes on; a failure of the
// database, the network or the process is not the event's fault, and is surfaced (and retried by
// the next catch-up) instead. Only failures known to follow from the event's data count as its own.

/**
 * Thrown by a projection's handler when an event, valid as far as the schemas go, cannot be
 * applied (it names a manifest the log never defined, a CF it has not seen...). The runner records
 * the event as failed with this message and goes on; any other Error stops the batch.
 */
export class EventNotApplicable extends Error {
  readonly _tag = 'EventNotApplicable';

  constructor(message: string) {
    super(message);
    this.name = 'EventNotApplicable';
  }
}

/**
 * SQLSTATE classes that follow from the rows a statement was given (PostgreSQL appendix A):
 * 21 cardinality violation, 22 data exception (a NUL, an invalid escape, a number out of range),
 * 23 integrity constraint violation, 54 program limit exceeded (an index row too large). Connection
 * (08), transaction rollback (40), resources (53), operator intervention (57), system (58), syntax
 * or undefined objects (42, a bug or a damaged schema) and the rest are not the event's doing.
 */
const EVENT_SQLSTATE_CLASSES = new Set(['21', '22', '23', '54']);

function sqlStateOf(cause: unknown): string | undefined {
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function isNotApplicable(cause: unknown): cause is EventNotApplicable {
  // By tag, not instanceof: a handler may come from another copy of this package.
  return typeof cause === 'object' && cause !== null && (cause as { _tag?: unknown })._tag === 'EventNotApplicable';
}

/**
 * The reason to record when `cause` is a failure of the event being applied, or null when it is
 * not (the runner then stops and reports it). The reason depends only on the event and the code,
 * never on time or connection, so a rebuild records the same text.
 */
export function eventFailureReason(cause: unknown): string | null {
  if (isNotApplicable(cause)) return cause.message;
  const state = sqlStateOf(cause);
  if (state !== undefined && EVENT_SQLSTATE_CLASSES.has(state.slice(0, 2))) {
    const message = cause instanceof Error ? cause.message : String((cause as { message?: unknown }).message);
    return `${message} (SQLSTATE ${state})`;
  }
  return null;
}
