// --as-of POSITION|ISO-TIME: a decimal log position, or an ISO 8601 time that the projections
// turn into the last position recorded at or before it (projections' AsOf).
import * as E from 'fp-ts/lib/Either.js';
import type { AsOf } from '@cairn/projections';
import { usage } from './fail.js';
import type { UsageError } from './store-location.js';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseAsOf(value: string | undefined): E.Either<UsageError, AsOf | undefined> {
  if (value === undefined) return E.right(undefined);
  if (/^\d+$/.test(value)) return E.right(BigInt(value));
  if (ISO.test(value)) {
    const time = new Date(value);
    if (!Number.isNaN(time.getTime())) return E.right({ time });
  }
  return E.left({ _tag: 'UsageError', field: '--as-of', reason: `expected a log position (digits) or an ISO 8601 time, got ${JSON.stringify(value)}` });
}

/**
 * A decimal --as-of past the head of the log names a moment the ledger has not reached; answering
 * "as of" it would silently mean "now" and read as if the position existed. Refused, naming the head.
 */
export function asOfBeyondHead(value: unknown, head: bigint | null): string | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  if (head === null) return `position ${value} is beyond the head of the log (the log is empty)`;
  return BigInt(value) > head ? `position ${value} is beyond the head of the log (${head})` : undefined;
}

/** Refuses (usage) an --as-of that asOfBeyondHead refuses; a log that cannot say its head is left to the command. */
export async function refuseAsOfBeyondHead(value: unknown, log: { head(): Promise<E.Either<unknown, bigint | null>> }): Promise<void> {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return;
  const head = await log.head();
  if (E.isLeft(head)) return;
  const reason = asOfBeyondHead(value, head.right);
  if (reason !== undefined) usage('--as-of', reason);
}
