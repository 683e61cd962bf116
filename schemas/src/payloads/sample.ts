// A Sample CF: what the bytes are, never the bytes. A personal-data sample is committed with a
// keyed hash (HMAC-SHA-256, RFC 2104) so that its plain SHA-256 cannot be matched against a
// guessed original once the key is shredded.
import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { withRules, type RuleViolation } from '../combinators/rules.js';
import { CfId, Sha256Hex } from '../primitives/hex.js';
import { JsonObject } from '../primitives/json-value.js';
import { NonNegativeInt } from '../primitives/numbers.js';
import { SpdxExpression } from '../primitives/spdx.js';
import { MediaType, NonEmptyString } from '../primitives/text.js';

export const CommitmentScheme = t.keyof({ sha256: null, 'hmac-sha256': null }, 'CommitmentScheme');
export type CommitmentScheme = t.TypeOf<typeof CommitmentScheme>;

const CommitmentFields = closed(
  'ContentCommitment',
  { scheme: CommitmentScheme, value: Sha256Hex },
  // Names the secret an hmac-sha256 commitment was keyed with, so a key holder can recompute it.
  { keyId: NonEmptyString },
);

/** sha256 over the bytes, or hmac-sha256 with a named key; keyId goes with hmac only. */
export const ContentCommitment = withRules(
  CommitmentFields,
  [
    (c): RuleViolation[] =>
      c.scheme === 'hmac-sha256' && c.keyId === undefined
        ? [{ path: ['keyId'], expected: 'the id of the HMAC key (required when scheme is "hmac-sha256")' }]
        : c.scheme === 'sha256' && c.keyId !== undefined
          ? [{ path: ['keyId'], expected: 'no keyId (a plain sha256 commitment has no key)' }]
          : [],
  ],
  {
    if: { properties: { scheme: { const: 'hmac-sha256' } } },
    then: { required: ['keyId'] },
    else: { not: { required: ['keyId'] } },
  },
);
export type ContentCommitment = t.TypeOf<typeof ContentCommitment>;

const SampleFields = closed(
  'SampleContributedPayload',
  {
    commitment: ContentCommitment,
    mediaType: MediaType,
    /** Size of the original bytes. */
    size: NonNegativeInt,
    license: SpdxExpression,
    /** Where the material came from: a URL, a collection, a device. */
    source: NonEmptyString,
  },
  {
    personalData: t.boolean,
    amends: CfId,
    supersedes: CfId,
    attributes: JsonObject,
  },
);

export const SampleContributedPayload = withRules(
  SampleFields,
  [
    (s): RuleViolation[] =>
      s.personalData === true && s.commitment.scheme !== 'hmac-sha256'
        ? [{ path: ['commitment', 'scheme'], expected: '"hmac-sha256" (a personal-data sample needs a keyed commitment)' }]
        : [],
  ],
  {
    if: { properties: { personalData: { const: true } }, required: ['personalData'] },
    then: { properties: { commitment: { type: 'object', properties: { scheme: { const: 'hmac-sha256' } } } } },
  },
);
export type SampleContributedPayload = t.TypeOf<typeof SampleContributedPayload>;
