// Rule: a sample arrives with its bytes, and the logged commitment and size are those of the
// bytes (sha256 of them, or for personal data an HMAC keyed with the salt that comes with them).
// Without this a signed sample could commit to one thing and store another.
import { timingSafeEqual } from 'node:crypto';
import type { CairnEvent } from '@cairn/schemas';
import { ruleViolation, type RuleViolation } from '../errors.js';
import { commitSample } from '../sample-crypto.js';

/** The bytes that go with a SampleContributed event; never logged. */
export interface SampleAttachment {
  readonly bytes: Uint8Array;
  /** The HMAC key of a personal-data commitment (32 bytes); kept in the KeyStore, shredded on erasure. */
  readonly salt?: Uint8Array;
}

export function checkSampleBytes(event: CairnEvent, attachment: SampleAttachment | undefined, index?: number): RuleViolation | undefined {
  if (event.type !== 'SampleContributed') {
    return attachment === undefined
      ? undefined
      : ruleViolation('sample-bytes', `${event.type}`, 'only a SampleContributed event carries sample bytes', index);
  }
  const at = (name: string) => `SampleContributed.payload.${name}`;
  if (attachment === undefined)
    return ruleViolation(
      'sample-bytes',
      'sample.bytes',
      'a sample must come with its bytes (they go to the blob store, never to the log)',
      index,
    );
  const { payload } = event;
  if (payload.size !== attachment.bytes.length)
    return ruleViolation('sample-bytes', at('size'), `says ${payload.size} bytes, the sample has ${attachment.bytes.length}`, index);
  const hmac = payload.commitment.scheme === 'hmac-sha256';
  if (hmac !== (attachment.salt !== undefined))
    return ruleViolation(
      'sample-bytes',
      at('commitment.scheme'),
      hmac ? 'an hmac-sha256 commitment needs the salt it was keyed with' : 'a sha256 commitment takes no salt',
      index,
    );
  if (attachment.salt !== undefined && attachment.salt.length !== 32)
    return ruleViolation('sample-bytes', 'sample.salt', `a commitment salt is 32 bytes, got ${attachment.salt.length}`, index);
  const expected = Buffer.from(commitSample(attachment.bytes, attachment.salt).value, 'hex');
  if (!timingSafeEqual(expected, Buffer.from(payload.commitment.value, 'hex')))
    return ruleViolation('sample-bytes', at('commitment.value'), `is not the ${payload.commitment.scheme} of the sample's bytes`, index);
  return undefined;
}
