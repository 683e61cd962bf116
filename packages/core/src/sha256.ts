// SHA-256 (FIPS 180-4). node:crypto is the fast path (OpenSSL, SHA-NI where the CPU has it);
// @noble/hashes is the portable path for browsers and for checking the fast one.
import crypto from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { isHexOfLength, toHex } from './hex.js';

declare const Sha256HexBrand: unique symbol;
/** 64 lowercase hex characters: a SHA-256 digest as the ledger spells ids. */
export type Sha256Hex = string & { readonly [Sha256HexBrand]: true };

export function isSha256Hex(value: unknown): value is Sha256Hex {
  return isHexOfLength(value, 32);
}

// crypto.hash (Node >= 20.12) skips the Hash object and is roughly twice as fast per call,
// which is what small inputs such as Merkle nodes pay for.
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;

/** SHA-256 of `bytes` on node:crypto. */
export const sha256: (bytes: Uint8Array) => Uint8Array = oneShot
  ? (bytes) => oneShot('sha256', bytes, 'buffer')
  : (bytes) => crypto.createHash('sha256').update(bytes).digest();

/** SHA-256 of `bytes` on @noble/hashes (pure JS, runs anywhere). */
export function sha256Portable(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

/** Lowercase hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): Sha256Hex {
  return toHex(sha256(bytes)) as Sha256Hex;
}
