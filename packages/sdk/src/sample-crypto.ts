// Sealing sample bytes: XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha, ./xchacha.ts) with a fresh
// 32-byte data key per sample and a random 24-byte nonce (192 bits, so random nonces are safe).
// The sample's envelope signing bytes are the associated data: a blob cannot be passed off as
// another sample's bytes, and any change to the logged metadata makes decryption fail.
import { createHash, createHmac, randomFillSync } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { NONCE_BYTES, TAG_BYTES, xchachaBackends, type XChaChaBackend } from './xchacha.js';

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

// Keys, salts and nonces come from one CSPRNG fill per 4 KiB instead of one call per value: bulk
// ingest draws two per sample, and each call into OpenSSL cost more than sealing a short sample.
// Every byte is handed out once, copied, and wiped from the pool as it goes.
const RANDOM_POOL = Buffer.allocUnsafeSlow(4096);
let randomUsed = RANDOM_POOL.length;

function freshRandom(length: number): Uint8Array {
  if (randomUsed + length > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomUsed = 0;
  }
  const out = new Uint8Array(RANDOM_POOL.subarray(randomUsed, randomUsed + length));
  RANDOM_POOL.fill(0, randomUsed, randomUsed + length);
  randomUsed += length;
  return out;
}

export function newDataKey(): Uint8Array {
  return freshRandom(32);
}

export function newSalt(): Uint8Array {
  return freshRandom(32);
}

/** nonce ‖ ciphertext ‖ tag */
export function sealSample(
  plaintext: Uint8Array,
  dataKey: Uint8Array,
  associatedData: Uint8Array,
  backend: XChaChaBackend = xchachaBackends[0]!,
): Uint8Array {
  const out = new Uint8Array(NONCE_BYTES + plaintext.length + TAG_BYTES);
  const nonce = out.subarray(0, NONCE_BYTES);
  nonce.set(freshRandom(NONCE_BYTES));
  backend.encrypt(out.subarray(NONCE_BYTES), dataKey, nonce, associatedData, plaintext);
  return out;
}

export function openSample(
  blob: Uint8Array,
  dataKey: Uint8Array,
  associatedData: Uint8Array,
  backend: XChaChaBackend = xchachaBackends[0]!,
): E.Either<string, Uint8Array> {
  if (blob.length < NONCE_BYTES + TAG_BYTES) return E.left(`blob is ${blob.length} bytes, too short to be sealed`);
  const plaintext = backend.decrypt(dataKey, blob.subarray(0, NONCE_BYTES), associatedData, blob.subarray(NONCE_BYTES));
  return plaintext === undefined
    ? E.left('authentication failed: the blob, its key or the sample envelope was altered')
    : E.right(plaintext);
}
