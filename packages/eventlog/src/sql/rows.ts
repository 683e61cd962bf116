import type { RecordedEvent } from '../port.js';
import type { StoredEvent } from '../append-plan.js';
import { toRecordedEvent } from '../recorded.js';
import { eventIdFromDb } from '../stored-id.js';
import type { Packing } from './executor.js';

/**
 * Columns every read selects; bigints travel as text so pg and PGlite parse them alike, and the
 * id (stored as its bytes, schema.ts) as its hex text. The stream travels as stored, with its
 * mark: a `<kind>-<id>` name is completed here (streamOf), from the id the row carries anyway.
 * The aliases shadow the real columns in ORDER BY, so reads must order by `l.position`/`l.revision`.
 */
export const EVENT_COLUMNS =
  "position::text as position, encode(id, 'hex') as id, stream, stream_suffixed, revision::text as revision, type, data, metadata, recorded_at";

/**
 * A packed read's fields (SqlExecutor.queryPacked): EVENT_COLUMNS as one text per row, each field
 * ended by U+0001. Postgres text can hold U+0001 (only NUL is refused), so the split is checked:
 * the statement adds exactly nine separators per row, and the numbers, hex id, boolean and
 * timestamp texts never hold one, so a chunk of `n` rows whose text holds exactly 9n separators
 * has none inside its stored texts, and the k-th separator ends the k-th field. Any other count
 * (a type, stream or raw-written body holding U+0001; canonical JSON escapes it) makes the read
 * fall back to one row per event. The timestamp travels as the text PGlite would have parsed
 * into the row's Date (the same session's output of the same value), and is parsed alike.
 */
export const PACKED_EVENTS: Packing = {
  separator: '\u0001',
  fields: [
    { name: 'position', as: 'text' },
    { name: 'id', as: 'text' },
    { name: 'stream', as: 'text' },
    { name: 'stream_suffixed', as: 'boolean' },
    { name: 'revision', as: 'text' },
    { name: 'type', as: 'text' },
    { name: 'data', as: 'text' },
    { name: 'metadata', as: 'text' },
    { name: 'recorded_at', as: 'timestamptz' },
  ],
};

/** One row of `l` as PACKED_EVENTS splits it. A NULL metadata reads as NO_METADATA, which toStored takes alike. */
export const PACKED_EVENT_SQL =
  "concat(l.position::text, chr(1), encode(l.id, 'hex'), chr(1), l.stream, chr(1), l.stream_suffixed::text, chr(1), l.revision::text, chr(1), " +
  "l.type, chr(1), l.data, chr(1), coalesce(l.metadata, ''), chr(1), l.recorded_at::text, chr(1))";

/** Bytes a packed row takes beyond its texts' (the position, revision, hex id, boolean, timestamp and separators), at most. */
export const PACKED_ROW_OVERHEAD_BYTES = 128;

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
