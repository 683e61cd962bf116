// Amending a CF: a new CF of the same kind with some fields changed and `amends` pointing at the
// original. What an amendment may change is checked first, so a misspelt or unknown field is
// refused by name instead of being dropped (a sample amended with only dropped fields would be
// a copy that starts unreviewed). A sample amended without new bytes keeps the original's
// content commitment (and, for personal data, its commitment salt), so assembly can tell it is
// the same material and carry its labels and validations (manifest amendments.carryLabelsAndValidations).
import * as E from 'fp-ts/lib/Either.js';
import type { Problem } from '@cairn/schemas';
import { ruleViolation, type DecodeFailureAt, type LedgerError, type RuleViolation } from '../errors.js';
import type { IngestContext } from '../ingest/ingest-batch.js';
import { defined } from './context.js';
import { prepareSample, type PreparedContribution, type SampleInput } from './contributions.js';
import { readSample } from './samples.js';

export type AmendableType = 'SampleContributed' | 'LabelContributed' | 'ValidationContributed';

/** The fields an amendment of each kind may change; `bytes` (samples) is the new content. */
export const AMENDABLE_FIELDS: { readonly [K in AmendableType]: readonly string[] } = {
  SampleContributed: ['mediaType', 'license', 'source', 'attributes', 'personalData', 'bytes'],
  LabelContributed: ['targets', 'labelType', 'value', 'rationale'],
  ValidationContributed: ['targets', 'verdict', 'score', 'rationale', 'evidence'],
};

const KIND_OF: { readonly [K in AmendableType]: string } = {
  SampleContributed: 'sample',
  LabelContributed: 'label',
  ValidationContributed: 'validation',
};

/** Why a field a CF does carry is still not one an amendment sets. */
const NOT_SET: Readonly<Record<string, string>> = {
  commitment: 'it is derived from the bytes; give new bytes instead',
  size: 'it is derived from the bytes; give new bytes instead',
  amends: 'an amendment always amends the CF it is made from',
  supersedes: 'to replace a CF with another, supersede it instead of amending it',
};

function problem(type: AmendableType, field: string, reason: string, actual: unknown): Problem {
  return { path: field, expected: reason, actual, message: `amend ${KIND_OF[type]}.${field}: ${reason}` };
}

/**
 * The kind of CF `cfId` (an event of `type`) is, if it is one an amendment can be made of: only
 * CFs are amended. The local and the remote ledger both ask this before building the amendment.
 */
export function checkAmendable(cfId: string, type: string): E.Either<RuleViolation, AmendableType> {
  return type in AMENDABLE_FIELDS
    ? E.right(type as AmendableType)
    : E.left(ruleViolation('amend-same-kind', 'cfId', `${cfId} is a ${type}; only CFs (samples, labels, validations) are amended`));
}

/** Every field of `changes` an amendment of `type` may not change, each named; or nothing. */
export function checkAmendmentFields(type: AmendableType, changes: Record<string, unknown>): E.Either<DecodeFailureAt, void> {
  const allowed = AMENDABLE_FIELDS[type];
  const problems: Problem[] = [];
  for (const field of Object.keys(changes)) {
    if (allowed.includes(field)) continue;
    const reason =
      NOT_SET[field] ??
      `a ${KIND_OF[type]} has no field ${JSON.stringify(field)} an amendment can change (it can change ${allowed.join(', ')})`;
    problems.push(problem(type, field, reason, field));
  }
  if (type === 'SampleContributed' && 'bytes' in changes && !(changes.bytes instanceof Uint8Array)) {
    problems.push(problem(type, 'bytes', 'new bytes must be a Uint8Array (the CLI reads them with --file)', typeof changes.bytes));
  }
  if (problems.length === 0) return E.right(undefined);
  return E.left({ _tag: 'DecodeFailure', type, problems, message: problems.map((p) => p.message).join('\n') });
}

interface SamplePayload {
  readonly commitment: { readonly scheme: string; readonly value: string; readonly keyId?: string };
  readonly size: number;
  readonly personalData?: boolean;
  readonly [field: string]: unknown;
}

/**
 * The amendment of a sample. Without new bytes (and without a change of personalData) the
 * commitment is the original's: the same bytes, and for personal data the same salt, read back
 * from the key store, so `sample-bytes` still holds and the commitment stays the dedup and
 * carry key. New bytes get a fresh commitment, as any new sample does.
 */
export async function prepareSampleAmendment(
  ctx: IngestContext,
  cfId: string,
  original: SamplePayload,
  changes: Record<string, unknown>,
): Promise<E.Either<LedgerError, PreparedContribution>> {
  const { commitment, size, amends: _a, supersedes: _s, ...meta } = original;
  const { bytes: newBytes, ...rest } = changes;
  const sameContent =
    !(newBytes instanceof Uint8Array) && (rest.personalData === undefined || rest.personalData === (original.personalData ?? false));
  const bytes = newBytes instanceof Uint8Array ? E.right(newBytes) : await readSample(ctx, cfId);
  if (E.isLeft(bytes)) return bytes;
  const input = { ...meta, ...rest, bytes: bytes.right, amends: cfId } as SampleInput;
  // a plain sha256 of the same bytes is the same commitment already
  if (!sameContent || commitment.scheme !== 'hmac-sha256') return E.right(prepareSample(input));
  const keys = await ctx.keys.copies(cfId);
  if (E.isLeft(keys)) return keys;
  const salt = keys.right.find((k) => k.salt !== undefined)?.salt;
  // readSample opened the bytes, so a key record is there; without its salt, commit afresh
  if (salt === undefined) return E.right(prepareSample(input));
  const unkeyed = prepareSample({ ...input, personalData: false });
  return E.right({
    type: 'SampleContributed',
    payload: defined({ ...unkeyed.payload, personalData: true, commitment, size }),
    sample: { bytes: bytes.right, salt },
  });
}
