import type { JsonValue, RecordedEvent } from './port.js';
import type { StoredEvent } from './append-plan.js';

/** Readers get parsed values back; absent metadata stays absent. */
export function toRecordedEvent(stored: StoredEvent, recordedAt: Date): RecordedEvent {
  const base = {
    id: stored.id,
    type: stored.type,
    data: JSON.parse(stored.data) as JsonValue,
    storedData: stored.data,
    stream: stored.stream,
    revision: stored.revision,
    position: stored.position,
    recordedAt,
  };
  return stored.metadata === null ? base : { ...base, metadata: JSON.parse(stored.metadata) as JsonValue };
}
