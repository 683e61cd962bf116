import type { RecordedEvent } from '../port.js';
import type { StoredEvent } from '../append-plan.js';
import { toRecordedEvent } from '../recorded.js';
import { eventIdFromDb } from '../stored-id.js';

/**
 * Columns every read selects; bigints travel as text so pg and PGlite parse them alike. The
 * aliases shadow the real columns in ORDER BY, so reads must order by `l.position`/`l.revision`.
 */
export const EVENT_COLUMNS = 'position::text as position, id, stream, revision::text as revision, type, data, metadata, recorded_at';

export interface EventRow {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | null;
  readonly recorded_at: Date | string;
}

export function toStored(row: EventRow): StoredEvent {
  return {
    id: eventIdFromDb(row.id),
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    stream: row.stream,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
  };
}

export function toRecorded(row: EventRow): RecordedEvent {
  return toRecordedEvent(toStored(row), row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at));
}
