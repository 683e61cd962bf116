// The append decision shared by every adapter that can see the whole log under one lock (memory,
// PGlite, Postgres): given what is already stored for the batch's ids and streams, decide per
// request whether it is an idempotent replay, a conflict, or rows to write at which revisions.
import * as E from 'fp-ts/lib/Either.js';
import type { AppendResult, EventId, EventLogError, LogPosition } from './port.js';
import type { PreparedEvent, PreparedRequest } from './prepare.js';
import { satisfies, type CurrentRevision } from './revision.js';

/** An event already in the log, as the planner needs it. */
export interface StoredEvent extends PreparedEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: LogPosition;
}

export interface StoredFacts {
  /** Stored events whose ids appear in the batch (keyed by the id's text, as adapters read it). */
  readonly byId: ReadonlyMap<string, StoredEvent>;
  /** Last revision of each stream the batch touches; absent means the stream does not exist. */
  readonly lastRevision: ReadonlyMap<string, bigint>;
}

export interface RowToWrite extends PreparedEvent {
  readonly stream: string;
  readonly revision: bigint;
}

export type PlannedAppend =
  | { readonly kind: 'replay'; readonly result: AppendResult }
  | { readonly kind: 'write'; readonly stream: string; readonly rows: readonly RowToWrite[] };

export function sameContent(a: PreparedEvent, b: PreparedEvent): boolean {
  return a.type === b.type && a.data === b.data && a.metadata === b.metadata;
}

/**
 * Rules, in order, per request:
 * 1. Every event present with identical type, data, metadata and stream: a replay, whatever the
 *    expected revision (so re-appending `cf-<id>` with "no stream" is safe).
 * 2. Any event present elsewhere or with other content: DuplicateEventConflict.
 * 3. Some events present identically and some not (a partly present batch): also a conflict,
 *    naming the first present event. Completing half a batch would silently change its
 *    revisions; the caller must decide.
 * 4. Otherwise the expected revision must hold against the stream as it stands, including
 *    events written by earlier requests of the same batch.
 */
export function planAppends(requests: readonly PreparedRequest[], facts: StoredFacts): E.Either<EventLogError, readonly PlannedAppend[]> {
  const last = new Map(facts.lastRevision);
  const plans: PlannedAppend[] = [];
  for (const request of requests) {
    const present = request.events.map((e) => facts.byId.get(e.id));
    for (const [i, stored] of present.entries()) {
      const event = request.events[i]!;
      if (stored && (stored.stream !== request.stream || !sameContent(stored, event)))
        return E.left({ _tag: 'DuplicateEventConflict', eventId: event.id, stream: request.stream, existingStream: stored.stream });
    }
    const found = present.filter((p): p is StoredEvent => p !== undefined);
    if (found.length === request.events.length) {
      const lastFound = found[found.length - 1]!;
      plans.push({
        kind: 'replay',
        result: {
          nextExpectedRevision: last.get(request.stream) ?? lastFound.revision,
          position: lastFound.position,
          alreadyAppended: true,
        },
      });
      continue;
    }
    if (found.length > 0) {
      const first = found[0]!;
      return E.left({ _tag: 'DuplicateEventConflict', eventId: first.id, stream: request.stream, existingStream: first.stream });
    }
    const current: CurrentRevision = last.get(request.stream) ?? 'no-stream';
    if (!satisfies(request.expectedRevision, current))
      return E.left({ _tag: 'WrongExpectedRevision', stream: request.stream, expected: request.expectedRevision, actual: current });
    const base = current === 'no-stream' ? 0n : current + 1n;
    const rows = request.events.map((e, i) => ({ ...e, stream: request.stream, revision: base + BigInt(i) }));
    last.set(request.stream, base + BigInt(rows.length - 1));
    plans.push({ kind: 'write', stream: request.stream, rows });
  }
  return E.right(plans);
}

/** The streams and ids a batch touches, for the one lookup each adapter makes per batch. */
export function batchKeys(requests: readonly PreparedRequest[]): { ids: EventId[]; streams: string[] } {
  const ids = requests.flatMap((r) => r.events.map((e) => e.id));
  const streams = [...new Set(requests.map((r) => r.stream))];
  return { ids, streams };
}
