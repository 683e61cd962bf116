// "As of": a decimal log position, or an ISO 8601 time that the projections turn into the last
// position recorded at or before it (projections' AsOf). A position past the head is refused.
import * as E from 'fp-ts/lib/Either.js';
import type { AsOf } from '@cairn/projector';
import { usageError, type UsageError } from './errors.js';

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseAsOf(value: string | undefined, field = '--as-of'): E.Either<UsageError, AsOf | undefined> {
  if (value === undefined) return E.right(undefined);
  if (/^\d+$/.test(value)) return E.right(BigInt(value));
  if (ISO.test(value)) {
    const time = new Date(value);
    if (!Number.isNaN(time.getTime())) return E.right({ time });
  }
  return E.left(usageError(field, `expected a log position (digits) or an ISO 8601 time, got ${JSON.stringify(value)}`));
}

/**
 * A position past the head of the log names a moment the ledger has not reached; answering "as
 * of" it would silently mean "now" and read as if the position existed. The reason it is refused
 * (naming the head), or undefined when it is not a position past the head.
 */
export function asOfBeyondHead(value: unknown, head: bigint | null): string | undefined {
  const position = typeof value === 'bigint' ? value : typeof value === 'string' && /^\d+$/.test(value) ? BigInt(value) : undefined;
  if (position === undefined) return undefined;
  if (head === null) return `position ${position} is beyond the head of the log (the log is empty)`;
  return position > head ? `position ${position} is beyond the head of the log (${head})` : undefined;
}

/** Refuses a position past the head; a log that cannot say its head lets the value through (the read will tell). */
export async function checkAsOfWithinHead(
  value: unknown,
  log: { head(): Promise<E.Either<unknown, bigint | null>> },
  field = '--as-of',
): Promise<E.Either<UsageError, void>> {
  if (typeof value !== 'bigint' && !(typeof value === 'string' && /^\d+$/.test(value))) return E.right(undefined);
  const head = await log.head();
  if (E.isLeft(head)) return E.right(undefined);
  const reason = asOfBeyondHead(value, head.right);
  return reason === undefined ? E.right(undefined) : E.left(usageError(field, reason));
}
