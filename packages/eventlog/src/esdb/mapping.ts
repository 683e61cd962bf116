// Pure mappings between the port and EventStoreDB's client types, unit-tested without a server.
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type CurrentRevision as EsdbCurrentRevision,
} from '@eventstore/db-client';
import type { EventId, EventLogError, ExpectedRevision, JsonValue, RecordedEvent } from '../port.js';
import type { CurrentRevision } from '../revision.js';
import { isEventId } from '../prepare.js';

/**
 * ESDB event ids are UUIDs; ours are 64-hex content ids. The UUID is the id's first 128 bits
 * with the RFC 9562 version (8, "custom") and variant bits forced, so it is deterministic (a
 * replayed append carries the same UUID, which ESDB's own idempotency recognises). The full id
 * travels in the metadata, which is what readers trust.
 */
export function uuidFromEventId(id: EventId): string {
  if (!isEventId(id)) throw new RangeError(`uuidFromEventId: not an event id: ${id}`);
  const hex = id.slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Metadata as stored in ESDB: the full content id, and the caller's metadata if any. */
export interface EsdbMetadata {
  readonly cairnId: EventId;
  readonly metadata?: JsonValue;
}

export function toEsdbMetadata(id: EventId, metadata: JsonValue | undefined): EsdbMetadata {
  return metadata === undefined ? { cairnId: id } : { cairnId: id, metadata };
}

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected.kind) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    case 'exact':
      return expected.revision;
  }
}

export function fromEsdbCurrentRevision(actual: EsdbCurrentRevision | undefined): CurrentRevision {
  return typeof actual === 'bigint' ? actual : 'no-stream';
}

/** The shape of an ESDB recorded event this adapter reads (a subset of the client's type). */
export interface EsdbRecorded {
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: Date;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint };
}

/**
 * An ESDB event as the port's RecordedEvent, or undefined for what is not a Cairn event:
 * system streams and types (`$...`) and events without our metadata.
 */
export function fromEsdbEvent(event: EsdbRecorded): RecordedEvent | undefined {
  if (event.streamId.startsWith('$') || event.type.startsWith('$') || !event.isJson || !event.position) return undefined;
  const meta = event.metadata as Partial<EsdbMetadata> | undefined;
  if (!meta || !isEventId(meta.cairnId)) return undefined;
  const base = {
    id: meta.cairnId,
    type: event.type,
    data: event.data as JsonValue,
    // The client has already parsed the body: its text is not available, only this.
    storedData: JSON.stringify(event.data),
    stream: event.streamId,
    revision: event.revision,
    position: event.position.commit,
    recordedAt: event.created,
  };
  return meta.metadata === undefined ? base : { ...base, metadata: meta.metadata };
}

/** Driver failures to port errors; `expected` is what this append asked for. */
export function translateEsdbError(e: unknown, context: { stream: string; expected: ExpectedRevision }): EventLogError {
  if (e instanceof WrongExpectedVersionError)
    return { _tag: 'WrongExpectedRevision', stream: context.stream, expected: context.expected, actual: fromEsdbCurrentRevision(e.actualVersion) };
  if (e instanceof TypeError || e instanceof RangeError) throw e;
  const type = (e as { type?: unknown } | null)?.type;
  const message = e instanceof Error ? e.message : String(e);
  return { _tag: 'Unavailable', reason: typeof type === 'string' ? `${type}: ${message}` : message, cause: e };
}
