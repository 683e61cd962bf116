import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { CfId } from '../primitives/hex.js';
import { NonEmptyString } from '../primitives/text.js';

export const DeprecationReason = t.keyof({ dispute: null, takedown: null, erasure: null, quality: null, other: null }, 'DeprecationReason');
export type DeprecationReason = t.TypeOf<typeof DeprecationReason>;

/** Takes a CF out of future assembly; signed by its author or a curator. The CF itself stays. */
export const ContributionDeprecatedPayload = closed(
  'ContributionDeprecatedPayload',
  { target: CfId, reason: DeprecationReason },
  { note: NonEmptyString },
);
export type ContributionDeprecatedPayload = t.TypeOf<typeof ContributionDeprecatedPayload>;

/** The sample's blob key is shredded: the commitment stays in the log, the bytes become unreadable. */
export const SampleErasedPayload = closed('SampleErasedPayload', { sample: CfId, reason: NonEmptyString });
export type SampleErasedPayload = t.TypeOf<typeof SampleErasedPayload>;
