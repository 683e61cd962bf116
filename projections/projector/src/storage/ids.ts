// Ids read back from projection tables, branded at that edge as positions are (positions.ts). A
// projection writes only ids it took from decoded events, so the shape is checked (a hand-edited
// table fails here, by name, not three calls later) and nothing more. The check is the log's own,
// so a log row and a projection row fail alike.
import { checkedStoredId, eventIdFromDb } from '@cairn/eventlog';
import type { CfId } from '@cairn/schemas';

/** A column known to hold log event ids. */
export { eventIdFromDb };

/** A column known to hold CF ids (the event ids of contribution events). */
export const cfIdFromDb = (value: string): CfId => checkedStoredId(value, 'CF id') as CfId;
