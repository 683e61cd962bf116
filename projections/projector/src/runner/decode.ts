// Log event → ProjectedEvent. Projections trust the log (signatures were checked at ingest), but
// the runner still decodes every envelope: an event this build cannot read (an older writer let a
// NUL through, a newer one wrote a type this build does not know) is never applied half-read, and
// never skipped silently either: the runner records it as failed with its position and field.
import { decodeEvent, type CairnEvent } from '@cairn/schemas';
import { left, type Either } from 'fp-ts/lib/Either.js';
import type { RecordedEvent } from '@cairn/eventlog';
import type { RunnerError } from './errors.js';
import type { ProjectedEvent } from './projection.js';

interface DecodeProblem {
  /** From the envelope's root, e.g. `payload.targets[0]`. */
  readonly path: string;
  readonly expected?: string;
  readonly actual?: unknown;
}

/** Decoder of envelopes; @cairn/schemas' decodeEvent by default. */
export type EventDecoder = (data: unknown) => Either<{ readonly problems: readonly DecodeProblem[] }, CairnEvent>;

export const defaultEventDecoder: EventDecoder = decodeEvent;

function render(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function toProjectedEvent(recorded: RecordedEvent, decode: EventDecoder): Either<RunnerError, ProjectedEvent> {
  const decoded = decode(recorded.data);
  const fail = (path: string, reason: string): Either<RunnerError, ProjectedEvent> => {
    const field = path === '' ? recorded.type : `${recorded.type}.${path}`;
    return left({
      _tag: 'EventUndecodable',
      position: recorded.position,
      eventId: recorded.id,
      type: recorded.type,
      field,
      reason,
      message: `event ${recorded.id} at position ${recorded.position} does not decode: ${field}: ${reason}`,
    });
  };
  if (decoded._tag === 'Left') {
    const first = decoded.left.problems[0];
    if (first === undefined) return fail('', 'rejected by the decoder');
    const prefix = `${recorded.type}.`;
    const path = first.path.startsWith(prefix) ? first.path.slice(prefix.length) : first.path;
    return fail(path, `expected ${first.expected ?? 'a valid value'}, got ${render(first.actual)}`);
  }
  const event = decoded.right;
  if ((event as { type?: unknown }).type !== recorded.type) {
    return fail('type', `the envelope says ${render((event as { type?: unknown }).type)} but the log recorded ${render(recorded.type)}`);
  }
  return {
    _tag: 'Right',
    right: { position: recorded.position, recordedAt: recorded.recordedAt, stream: recorded.stream, id: recorded.id, event },
  };
}
