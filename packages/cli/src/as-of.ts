// --as-of POSITION|ISO-TIME: a decimal log position, or an ISO 8601 time that the projections
// turn into the last position recorded at or before it (projections' AsOf).
import * as E from 'fp-ts/lib/Either.js';
import type { AsOf } from '@cairn/projections';
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
