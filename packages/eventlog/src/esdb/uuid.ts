// The UUID an event is known by in EventStoreDB: pure, so the package's entry can export it
// without loading the EventStoreDB client.
import { isEventId } from '../prepare.js';

/**
 * ESDB event ids are UUIDs; ours are 64-hex content ids. The UUID is the id's first 128 bits
 * with the RFC 9562 version (8, "custom") and variant bits forced, so it is deterministic: a
 * link written twice for the same event carries the same UUID, which ESDB's own idempotency
 * recognises. The full id travels in the metadata, which is what readers trust.
 */
export function uuidFromEventId(id: string): string {
  if (!isEventId(id)) throw new RangeError(`uuidFromEventId: not an event id: ${id}`);
  const hex = id.slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
