// Ids read back from storage, branded at that edge. The log checks every id on append, so a bad
// one here means storage was edited by hand: it fails here, by name, not three calls later.
import { isHexOfLength } from '@cairn/core';
import type { EventId } from './port.js';

/** `value` when it is 64 lowercase hex; otherwise throws naming `what` (the column it came from). */
export function checkedStoredId(value: string, what: string): string {
  if (!isHexOfLength(value, 32)) throw new Error(`${what} column held ${JSON.stringify(value)}, not 64 lowercase hex`);
  return value;
}

/** A column known to hold log event ids. */
export const eventIdFromDb = (value: string): EventId => checkedStoredId(value, 'event id') as EventId;
