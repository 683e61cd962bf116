// Ids read back from projection tables, branded at that edge as positions are (positions.ts). A
// projection writes only ids it took from decoded events, so the shape is checked (a hand-edited
// table fails here, by name, not three calls later) and nothing more.
import { isHexOfLength } from '@cairn/core';
import type { CfId, EventId } from '@cairn/schemas';

function checked(value: string, what: string): string {
  if (!isHexOfLength(value, 32)) throw new Error(`${what} column held ${JSON.stringify(value)}, not 64 lowercase hex`);
  return value;
}

/** A column known to hold log event ids. */
export const eventIdFromDb = (value: string): EventId => checked(value, 'event id') as EventId;

/** A column known to hold CF ids (the event ids of contribution events). */
export const cfIdFromDb = (value: string): CfId => checked(value, 'CF id') as CfId;
