// Sealing sample bytes: XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha) with a fresh 32-byte data
// key per sample and a random 24-byte nonce (192 bits, so random nonces are safe). The sample's
// envelope signing bytes are the associated data: a blob cannot be passed off as another
// sample's bytes, and any change to the logged metadata makes decryption fail.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import * as E from 'fp-ts/lib/Either.js';

const NONCE_BYTES = 24;

export type CommitmentScheme = 'sha256' | 'hmac-sha256';

export interface SampleCommitment {
  readonly scheme: CommitmentScheme;
  readonly value: string;
}

/**
 * The content commitment the log keeps for a sample. Public samples use a bare SHA-256 so equal
 * bytes dedupe across contributors. Personal data uses HMAC-SHA256 keyed with a random per-sample
 * salt kept in the KeyStore: a bare hash of a short value (a name, a phone number) can be found by
 * guessing, a keyed one cannot, and shredding the salt makes it unverifiable for good.
 */
export function commitSample(bytes: Uint8Array, salt: Uint8Array | undefined): SampleCommitment {
  return salt === undefined
    ? { scheme: 'sha256', value: createHash('sha256').update(bytes).digest('hex') }
    : { scheme: 'hmac-sha256', value: createHmac('sha256', salt).update(bytes).digest('hex') };
}

export function newDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

export function newSalt(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

/** nonce ‖ ciphertext ‖ tag */
export function sealSample(plaintext: Uint8Array, dataKey: Uint8Array, associatedData: Uint8Array): Uint8Array {
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  const sealed = xchacha20poly1305(dataKey, nonce, associatedData).encrypt(plaintext);
  const out = new Uint8Array(NONCE_BYTES + sealed.length);
  out.set(nonce, 0);
  out.set(sealed, NONCE_BYTES);
  return out;
}

export function openSample(blob: Uint8Array, dataKey: Uint8Array, associatedData: Uint8Array): E.Either<string, Uint8Array> {
  if (blob.length < NONCE_BYTES + 16) return E.left(`blob is ${blob.length} bytes, too short to be sealed`);
  try {
    return E.right(
      xchacha20poly1305(dataKey, blob.subarray(0, NONCE_BYTES), associatedData).decrypt(blob.subarray(NONCE_BYTES)),
    );
  } catch {
    return E.left('authentication failed: the blob, its key or the sample envelope was altered');
  }
}
