// Pure mappings between the port and EventStoreDB's client types, unit-tested without a server.
import { MaxAppendSizeExceededError, WrongExpectedVersionError, type CurrentRevision as EsdbCurrentRevision } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalize } from '@cairn/core';
import type { EventId, EventLogError, ExpectedRevision, JsonValue } from '../port.js';
import type { CurrentRevision } from '../revision.js';
import type { RowToWrite, StoredEvent } from '../append-plan.js';
import { isEventId } from '../prepare.js';

export { uuidFromEventId } from './uuid.js';

/**
 * The streams the adapter keeps for itself, all under one prefix that Cairn streams may not use:
 * - `<prefix>.log`: every Cairn event, in the global order (the log; position = its revision);
 * - `<prefix>.indexed`: checkpoints "every log entry up to N has its links";
 * - `<prefix>.id-<id>`: one link to the log entry of event `<id>` (the index by id).
 * The Cairn stream `s` itself holds links to its log entries, at the event's revision.
 */
export interface LogStreams {
  readonly prefix: string;
  readonly log: string;
  readonly indexed: string;
  byId(id: string): string;
}

export function logStreams(prefix: string): LogStreams {
  return { prefix: `${prefix}.`, log: `${prefix}.log`, indexed: `${prefix}.indexed`, byId: (id) => `${prefix}.id-${id}` };
}

/** The metadata of a log entry: where the event belongs, and the caller's metadata if any. */
export interface LogEntryMetadata {
  readonly cairnId: EventId;
  readonly stream: string;
  /** The event's revision in its stream, as decimal text (JSON has no bigint). */
  readonly revision: string;
  readonly metadata?: JsonValue;
}

/** A row the planner decided to write, as the JSON event appended to the log stream. */
export function toLogEntry(row: RowToWrite): { type: string; data: JsonValue; metadata: LogEntryMetadata } {
  const base = { cairnId: row.id, stream: row.stream, revision: row.revision.toString() };
  return {
    type: row.type,
    data: JSON.parse(row.data) as JsonValue,
    metadata: row.metadata === null ? base : { ...base, metadata: JSON.parse(row.metadata) as JsonValue },
  };
}

/** The part of an ESDB recorded event this adapter reads (a subset of the client's type). */
export interface EsdbRecorded {
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: Date;
}

/** A log entry as the planner and the readers need it. */
export interface LogEntry extends StoredEvent {
  readonly recordedAt: Date;
}

const canonicalText = (value: unknown): string | undefined => E.getOrElseW(() => undefined)(canonicalize(value as JsonValue));

/**
 * A record of the log stream as a LogEntry: its position is its revision in the log stream, which
 * every server version returns on every read (record positions in the transaction file are absent
 * from stream reads before server 22.6). Anything else (foreign or malformed records) is undefined.
 */
export function fromLogRecord(record: EsdbRecorded, logStream: string): LogEntry | undefined {
  if (record.streamId !== logStream || !record.isJson) return undefined;
  const meta = record.metadata as Partial<LogEntryMetadata> | undefined;
  if (
    !meta ||
    !isEventId(meta.cairnId) ||
    typeof meta.stream !== 'string' ||
    typeof meta.revision !== 'string' ||
    !/^\d+$/.test(meta.revision)
  )
    return undefined;
  const data = canonicalText(record.data);
  const metadata = meta.metadata === undefined ? null : canonicalText(meta.metadata);
  if (data === undefined || metadata === undefined) return undefined;
  return {
    id: meta.cairnId,
    type: record.type,
    data,
    metadata,
    stream: meta.stream,
    revision: BigInt(meta.revision),
    position: record.revision,
    recordedAt: record.created,
  };
}

/** The body of a link event (`$>`): "<revision>@<stream>", what ESDB resolves with resolveLinkTos. */
export function linkData(logRevision: bigint, logStream: string): Uint8Array {
  return new TextEncoder().encode(`${logRevision}@${logStream}`);
}

/** The log revision a checkpoint event names, or undefined for anything else. */
export function checkpointOf(record: EsdbRecorded | undefined): bigint | undefined {
  const upTo = (record?.data as { upTo?: unknown } | undefined)?.upTo;
  return typeof upTo === 'string' && /^\d+$/.test(upTo) ? BigInt(upTo) : undefined;
}

export function fromEsdbCurrentRevision(actual: EsdbCurrentRevision | undefined): CurrentRevision {
  return typeof actual === 'bigint' ? actual : 'no-stream';
}

/** Driver failures to port errors; `expected` is what this append asked for. */
export function translateEsdbError(e: unknown, context: { stream: string; expected: ExpectedRevision }): EventLogError {
  if (e instanceof WrongExpectedVersionError)
    return {
      _tag: 'WrongExpectedRevision',
      stream: context.stream,
      expected: context.expected,
      actual: fromEsdbCurrentRevision(e.actualVersion),
    };
  if (e instanceof MaxAppendSizeExceededError)
    return {
      _tag: 'InvalidEvent',
      eventId: undefined,
      field: 'requests',
      reason: `the batch is larger than the server's maximum append size (${e.maxAppendSize} bytes): split it`,
    };
  if (e instanceof TypeError || e instanceof RangeError) throw e;
  const type = (e as { type?: unknown } | null)?.type;
  const message = e instanceof Error ? e.message : String(e);
  return { _tag: 'Unavailable', reason: typeof type === 'string' ? `${type}: ${message}` : message, cause: e };
}
