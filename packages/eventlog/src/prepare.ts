// Validation at the port's edge: every adapter stores `data`/`metadata` as RFC 8785 canonical
// JSON text, so the exact bytes a signature covers survive storage and equality is a string compare.
import * as E from 'fp-ts/lib/Either.js';
import { CanonicalJson, canonicalize, isSha256Hex } from '@cairn/core';
import type { AppendRequest, EventId, EventLogError, ExpectedRevision, NewEvent } from './port.js';

/** An event ready to store: its body and metadata as canonical JSON text. */
export interface PreparedEvent {
  readonly id: EventId;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | null;
}

export interface PreparedRequest {
  readonly stream: string;
  readonly events: readonly PreparedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

const MAX_NAME = 512;

function invalid(eventId: EventId | undefined, field: string, reason: string): E.Either<EventLogError, never> {
  return E.left({ _tag: 'InvalidEvent', eventId, field, reason });
}

export function isEventId(value: unknown): value is EventId {
  return typeof value === 'string' && isSha256Hex(value);
}

/** `field` names the event in an error; built only for one (a bulk append prepares thousands). */
function prepareEvent(event: NewEvent, field: () => string): E.Either<EventLogError, PreparedEvent> {
  const id: unknown = event.id;
  if (!isEventId(id)) return invalid(undefined, `${field()}.id`, 'must be 64 lowercase hex characters (a content-derived SHA-256)');
  if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > MAX_NAME)
    return invalid(id, `${field()}.type`, `must be a non-empty string of at most ${MAX_NAME} characters`);
  const given = event.canonicalData;
  const data = given instanceof CanonicalJson && given.value === event.data ? E.right(given.text) : canonicalize(event.data);
  if (E.isLeft(data)) return invalid(id, `${field()}.data`, `${data.left.path}: ${data.left.reason}`);
  if (event.metadata === undefined) return E.right({ id, type: event.type, data: data.right, metadata: null });
  const metadata = canonicalize(event.metadata);
  if (E.isLeft(metadata)) return invalid(id, `${field()}.metadata`, `${metadata.left.path}: ${metadata.left.reason}`);
  return E.right({ id, type: event.type, data: data.right, metadata: metadata.right });
}

function validExpected(expected: ExpectedRevision): boolean {
  switch (expected.kind) {
    case 'any':
    case 'no-stream':
    case 'stream-exists':
      return true;
    case 'exact':
      return typeof expected.revision === 'bigint' && expected.revision >= 0n;
  }
}

/**
 * Checks a batch of requests: stream names, ids, bodies, and that no id appears twice in the
 * batch (the same fact twice in one append is a caller bug, not an idempotent replay).
 */
export function prepareRequests(requests: readonly AppendRequest[]): E.Either<EventLogError, readonly PreparedRequest[]> {
  const seen = new Set<EventId>();
  const out: PreparedRequest[] = [];
  for (let r = 0; r < requests.length; r++) {
    const request = requests[r]!;
    const at = requests.length === 1 ? '' : `requests[${r}].`;
    if (typeof request.stream !== 'string' || request.stream.length === 0 || request.stream.length > MAX_NAME)
      return invalid(undefined, `${at}stream`, `must be a non-empty string of at most ${MAX_NAME} characters`);
    if (request.stream.startsWith('$')) return invalid(undefined, `${at}stream`, "names starting with '$' are reserved for the log itself");
    if (!Array.isArray(request.events) || request.events.length === 0)
      return invalid(undefined, `${at}events`, 'an append carries at least one event');
    const expectedRevision = request.expectedRevision ?? { kind: 'any' };
    if (!validExpected(expectedRevision)) return invalid(undefined, `${at}expectedRevision`, 'an exact revision is a non-negative bigint');
    const events: PreparedEvent[] = [];
    for (let i = 0; i < request.events.length; i++) {
      const prepared = prepareEvent(request.events[i]!, () => `${at}events[${i}]`);
      if (E.isLeft(prepared)) return prepared;
      if (seen.has(prepared.right.id)) return invalid(prepared.right.id, `${at}events[${i}].id`, 'appears twice in the same append');
      seen.add(prepared.right.id);
      events.push(prepared.right);
    }
    out.push({ stream: request.stream, events, expectedRevision });
  }
  return E.right(out);
}
