import type { RecordedEvent } from '../port.js';
import type { StoredEvent } from '../append-plan.js';
import { toRecordedEvent } from '../recorded.js';
import { eventIdFromDb } from '../stored-id.js';

/**
 * Columns every read selects; bigints travel as text so pg and PGlite parse them alike, and the
 * id (stored as its bytes, schema.ts) as its hex text. The stream travels as stored, with its
 * mark: a `<kind>-<id>` name is completed here (streamOf), from the id the row carries anyway.
 * The aliases shadow the real columns in ORDER BY, so reads must order by `l.position`/`l.revision`.
 */
export const EVENT_COLUMNS =
  "position::text as position, encode(id, 'hex') as id, stream, stream_suffixed, revision::text as revision, type, data, metadata, recorded_at";

/**
 * Stored for an event without metadata. Canonical JSON is never empty, so it cannot be anyone's
 * metadata; a NULL would cost the row a null bitmap, which with the log's nine columns pads its
 * header from 24 bytes to 32. Rows written as NULL (older logs, raw SQL) read the same.
 */
export const NO_METADATA = '';

export interface EventRow {
  readonly position: string;
  readonly id: string;
  /** As stored: `<kind>-` alone when stream_suffixed (schema.ts). */
  readonly stream: string;
  readonly stream_suffixed: boolean;
  readonly revision: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | null;
  readonly recorded_at: Date | string;
}

/** The row's whole stream name. */
export const streamOf = (row: EventRow): string => (row.stream_suffixed ? row.stream + row.id : row.stream);

export function toStored(row: EventRow): StoredEvent {
  return {
    id: eventIdFromDb(row.id),
    type: row.type,
    data: row.data,
    metadata: row.metadata === null || row.metadata === NO_METADATA ? null : row.metadata,
    stream: streamOf(row),
    revision: BigInt(row.revision),
    position: BigInt(row.position),
  };
}

export function toRecorded(row: EventRow): RecordedEvent {
  return toRecordedEvent(toStored(row), row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at));
}
