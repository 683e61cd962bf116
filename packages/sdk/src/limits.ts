// A ledger's size limits: the defaults of @cairn/schemas with the ledger's own settings laid
// over them, each within its hard cap. Checked on the one ingest path (ingest/check.ts) for
// every event that is new to the log, so one signed by hand, a bulk import and an SDK call are
// held to the same limits; an event already in the log is a replay, not an admission.
import * as E from 'fp-ts/lib/Either.js';
import {
  DEFAULT_LIMITS,
  HARD_CAPS,
  LIMIT_NAMES,
  describeLimitExcess,
  firstLimitExcess,
  isLimitName,
  utf8ByteLength,
  type CairnEvent,
  type LimitName,
  type SizeLimits,
} from '@cairn/schemas';
import { ruleViolation, type RuleViolation } from './errors.js';

export type { LimitName, SizeLimits };
export { DEFAULT_LIMITS, HARD_CAPS, LIMIT_NAMES };

/** What a caller may set: any subset of the limits, in bytes. */
export type LimitSettings = { readonly [TName in LimitName]?: number };

/** A limit setting the ledger cannot take, with the reason. */
export interface LimitSettingError {
  readonly _tag: 'LimitSettingError';
  readonly limit: string;
  readonly reason: string;
}

/** The defaults with `settings` laid over them; an unknown name, a non-integer or a value past the hard cap is refused. */
export function resolveLimits(settings: Readonly<Record<string, unknown>> = {}): E.Either<LimitSettingError, SizeLimits> {
  const limits: Record<LimitName, number> = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(settings)) {
    if (!isLimitName(name))
      return E.left({ _tag: 'LimitSettingError', limit: name, reason: `no such limit (the limits are ${LIMIT_NAMES.join(', ')})` });
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
      return E.left({
        _tag: 'LimitSettingError',
        limit: name,
        reason: `expected a whole number of bytes of at least 1, got ${JSON.stringify(value)}`,
      });
    if (value > HARD_CAPS[name])
      return E.left({ _tag: 'LimitSettingError', limit: name, reason: `${value} bytes is past the hard cap of ${HARD_CAPS[name]}` });
    limits[name] = value;
  }
  return E.right(limits);
}

/** `limits.source: no such limit ...`: one line for people. */
export function describeLimitSettingError(error: LimitSettingError): string {
  return `limits.${error.limit}: ${error.reason}`;
}

/** The first field of a new event past the ledger's limits, as the rule `size-limit`. */
export function checkSizeLimits(event: CairnEvent, canonicalText: string, limits: SizeLimits, index?: number): RuleViolation | undefined {
  const excess = firstLimitExcess(event, utf8ByteLength(canonicalText), limits);
  return excess === undefined ? undefined : ruleViolation('size-limit', excess.field, describeLimitExcess(excess), index);
}
