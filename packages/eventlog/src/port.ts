// The EventLog port: everything above this package talks to the log through this interface
// and nothing else. Adapters (in-memory, PGlite, Postgres, EventStoreDB) are factories that
// return it, and translate their driver's failures into EventLogError values.
import type { Either } from 'fp-ts/lib/Either.js';
import type { CanonicalJson, JsonValue } from '@cairn/core';
import type { EventId } from '@cairn/schemas';

export type { EventId, JsonValue };

/**
 * A position in the global order of the log. Totally ordered, strictly increasing in the
 * order readers see events; NOT dense (gaps are allowed). Compare with `<`, never do
 * arithmetic on it. `null` means "before the first event".
 */
export type LogPosition = bigint;

export interface StoredEventFields {
  readonly type: string;
  /** The event body; stored so that reading it back gives a deep-equal value. */
  readonly data: JsonValue;
  readonly metadata?: JsonValue;
}

export interface NewEvent extends StoredEventFields {
  /**
   * Content-derived, lowercase hex SHA-256 (64 characters). A plain string here: callers compute
   * it, and the log checks its shape on append (InvalidEvent otherwise).
   */
  readonly id: string;
  /**
   * `data`'s canonical JSON when the caller already made it (CanonicalJson.of, or
   * eventCanonicalForms for a signed envelope): the log stores its text instead of writing
   * `data` again. Used only when it was made from this very `data` object.
   */
  readonly canonicalData?: CanonicalJson;
}

export interface RecordedEvent extends StoredEventFields {
  /** Branded where the adapter reads it back, after a shape check. */
  readonly id: EventId;
  /**
   * `data` as the log holds it, for checking it is exactly the canonical text that was written
   * (parsing forgives duplicate names, spacing and escapes; a signature over the parsed value
   * would not notice them). The SQL and in-memory adapters give the stored text; EventStoreDB's
   * client parses the body before the adapter sees it, so there it is that value as JSON.
   */
  readonly storedData: string;
  readonly stream: string;
  /** 0-based index of the event within its stream. */
  readonly revision: bigint;
  readonly position: LogPosition;
  /** When the log accepted the event (stored in the log, so projections stay deterministic). */
  readonly recordedAt: Date;
}

/** What the writer believes about the stream before appending. */
export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'stream-exists' }
  | { readonly kind: 'exact'; readonly revision: bigint };

export const ExpectedRevision = {
  any: { kind: 'any' } as ExpectedRevision,
  noStream: { kind: 'no-stream' } as ExpectedRevision,
  streamExists: { kind: 'stream-exists' } as ExpectedRevision,
  exact: (revision: bigint): ExpectedRevision => ({ kind: 'exact', revision }),
} as const;

export interface AppendRequest {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision?: ExpectedRevision; // default: any
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event written (or of the already-present event, for a no-op). */
  readonly position: LogPosition;
  /** True when every event was already in the log with identical content: nothing was written. */
  readonly alreadyAppended: boolean;
}

export type EventLogError =
  | {
      readonly _tag: 'WrongExpectedRevision';
      readonly stream: string;
      readonly expected: ExpectedRevision;
      readonly actual: bigint | 'no-stream';
    }
  | {
      /** The id is already in the log with a different type, body or stream. */
      readonly _tag: 'DuplicateEventConflict';
      /** '' when a SQL log's unique index caught the race and the driver did not say which id. */
      readonly eventId: EventId | '';
      readonly stream: string;
      readonly existingStream: string;
    }
  | {
      /** The event cannot be stored as given (bad id, empty stream name, non-JSON body, ...). */
      readonly _tag: 'InvalidEvent';
      readonly eventId: EventId | undefined;
      readonly field: string;
      readonly reason: string;
    }
  | { readonly _tag: 'Unavailable'; readonly reason: string; readonly cause?: unknown };

export interface ReadAllOptions {
  /** Read events strictly after this position; `null` or absent reads from the start. */
  readonly after?: LogPosition | null;
  readonly limit?: number;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint;
  readonly limit?: number;
}

export interface SubscribeOptions {
  readonly after?: LogPosition | null;
  /** How many events to fetch per round trip while catching up. */
  readonly batchSize?: number;
}

/** Catch-up then live: every event after `after`, once, in log order, until closed. */
export interface LogSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventLog {
  /** Human-readable adapter name (`memory`, `pglite`, `postgres`, `esdb`). */
  readonly adapter: string;
  append(request: AppendRequest): Promise<Either<EventLogError, AppendResult>>;
  /**
   * Appends to several streams at once, all or nothing, and no reader sees part of the batch
   * (SQL adapters: one transaction; EventStoreDB: one append to its log stream).
   */
  appendMany(requests: readonly AppendRequest[]): Promise<Either<EventLogError, readonly AppendResult[]>>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<Either<EventLogError, readonly RecordedEvent[]>>;
  readAll(options?: ReadAllOptions): Promise<Either<EventLogError, readonly RecordedEvent[]>>;
  /**
   * The events with these ids that are in the log (missing ids are simply absent, so any string
   * may be asked about: one that is not an event id is just never found).
   */
  readByIds(ids: readonly string[]): Promise<Either<EventLogError, readonly RecordedEvent[]>>;
  /** Position of the last event, or null for an empty log. */
  head(): Promise<Either<EventLogError, LogPosition | null>>;
  /**
   * How many events the log holds, counted where they are stored (positions may have gaps, so
   * the head is not the count). Optional: an adapter without it leaves counting to a read of the
   * whole log, which on a large log costs the reader seconds.
   */
  count?(): Promise<Either<EventLogError, number>>;
  subscribe(options?: SubscribeOptions): LogSubscription;
  close(): Promise<void>;
}
