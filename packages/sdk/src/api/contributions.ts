// Turning what a contributor has in hand (bytes and metadata, a claim, a verdict) into CF
// payloads. Sample bytes become a commitment and a size; the bytes themselves travel beside the
// event as an attachment and end up sealed in the blob store.
import { randomBytes } from 'node:crypto';
import type { EventType } from '@cairn/schemas';
import { commitSample, newSalt } from '../sample-crypto.js';
import type { SampleAttachment } from '../rules/sample-bytes.js';
import { defined } from './context.js';

export interface SampleInput {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  /** An SPDX license expression. */
  readonly license: string;
  readonly source: string;
  /** Personal data gets a keyed commitment whose key is shredded on erasure. */
  readonly personalData?: boolean;
  readonly attributes?: Record<string, unknown>;
  readonly amends?: string;
  readonly supersedes?: string;
}

export interface LabelInput {
  readonly targets: readonly string[];
  readonly labelType: string;
  readonly value: unknown;
  readonly rationale?: string;
  readonly amends?: string;
  readonly supersedes?: string;
}

export interface ValidationInput {
  readonly targets: readonly string[];
  readonly verdict: 'approve' | 'reject' | 'score';
  readonly score?: number;
  readonly rationale: string;
  readonly evidence?: readonly { readonly description: string; readonly uri?: string; readonly contentHash?: string }[];
  readonly amends?: string;
  readonly supersedes?: string;
}

export type ContributionInput =
  | ({ readonly kind: 'sample' } & SampleInput)
  | ({ readonly kind: 'label' } & LabelInput)
  | ({ readonly kind: 'validation' } & ValidationInput);

export interface PreparedContribution {
  readonly type: EventType;
  readonly payload: Record<string, unknown>;
  readonly sample?: SampleAttachment;
}

export function prepareSample(input: SampleInput): PreparedContribution {
  if (!(input.bytes instanceof Uint8Array)) throw new TypeError('sample.bytes must be a Uint8Array');
  const salt = input.personalData ? newSalt() : undefined;
  const commitment = commitSample(input.bytes, salt);
  return {
    type: 'SampleContributed',
    payload: defined({
      // keyId names the commitment key without revealing it; the key itself is in the KeyStore.
      commitment: salt ? { ...commitment, keyId: `salt-${randomBytes(16).toString('hex')}` } : commitment,
      mediaType: input.mediaType,
      size: input.bytes.length,
      license: input.license,
      source: input.source,
      personalData: input.personalData,
      attributes: input.attributes,
      amends: input.amends,
      supersedes: input.supersedes,
    }),
    sample: salt ? { bytes: input.bytes, salt } : { bytes: input.bytes },
  };
}

export function prepareLabel(input: LabelInput): PreparedContribution {
  return {
    type: 'LabelContributed',
    payload: defined({
      targets: input.targets,
      labelType: input.labelType,
      value: input.value,
      rationale: input.rationale,
      amends: input.amends,
      supersedes: input.supersedes,
    }),
  };
}

export function prepareValidation(input: ValidationInput): PreparedContribution {
  return {
    type: 'ValidationContributed',
    payload: defined({
      targets: input.targets,
      verdict: input.verdict,
      score: input.score,
      rationale: input.rationale,
      evidence: input.evidence,
      amends: input.amends,
      supersedes: input.supersedes,
    }),
  };
}

export function prepareContribution(input: ContributionInput): PreparedContribution {
  switch (input.kind) {
    case 'sample':
      return prepareSample(input);
    case 'label':
      return prepareLabel(input);
    case 'validation':
      return prepareValidation(input);
  }
}
