// Opening a sample whose key and ciphertext may each exist in more than one copy (one per
// sealing: see key-store/port.ts). Each sealing draws its own random key, so only a key and the
// ciphertext of the same sealing authenticate together: the AEAD tag pairs them, and a key from
// one sealing is never used on another's bytes. The plaintext must then match the logged
// commitment (sha256, or for personal data the HMAC keyed with that sealing's salt).
import { timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { SampleKeyRecord } from './key-store/port.js';
import { commitSample, openSample, type SampleCommitment } from './sample-crypto.js';

function matches(plaintext: Uint8Array, key: SampleKeyRecord, commitment: SampleCommitment): boolean {
  const actual = commitSample(plaintext, key.salt);
  if (actual.scheme !== commitment.scheme) return false;
  const a = Buffer.from(actual.value, 'hex');
  const b = Buffer.from(commitment.value, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface OpenFailure {
  /** unopened: no key authenticates the bytes; mismatch: a key opens them but the plaintext is not the committed one. */
  readonly kind: 'unopened' | 'mismatch';
  readonly reason: string;
}

/** The plaintext of the first key/ciphertext pair that opens and matches the commitment, or why none does. */
export function openPaired(
  keys: readonly SampleKeyRecord[],
  blobs: readonly Uint8Array[],
  associatedData: Uint8Array,
  commitment: SampleCommitment,
): E.Either<OpenFailure, Uint8Array> {
  let failure: OpenFailure = { kind: 'unopened', reason: 'no key opens the stored bytes' };
  for (const blob of blobs) {
    for (const key of keys) {
      const opened = openSample(blob, key.dataKey, associatedData);
      if (E.isLeft(opened)) {
        if (failure.kind === 'unopened') failure = { kind: 'unopened', reason: opened.left };
        continue;
      }
      if (matches(opened.right, key, commitment)) return opened;
      failure = { kind: 'mismatch', reason: 'the stored bytes do not match the logged commitment' };
    }
  }
  return E.left(failure);
}
