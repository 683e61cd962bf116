// Builds edge-case Ed25519 signatures from known scalars (test-only; not exported).
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

export const P = 2n ** 255n - 19n;
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** A point of order 8 (its multiples are the whole torsion subgroup). */
export const T8 = ed.Point.fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');

export function le32(n: bigint): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    b[i] = Number(n & 255n);
    n >>= 8n;
  }
  return b;
}

export function fromLe(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** k = SHA-512(R || A || M) mod L (RFC 8032 section 5.1.7 step 2). */
export function challenge(rBytes: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  const all = new Uint8Array(64 + message.length);
  all.set(rBytes, 0);
  all.set(publicKey, 32);
  all.set(message, 64);
  return fromLe(sha512(all)) % L;
}

export function signature(rBytes: Uint8Array, s: bigint): Uint8Array {
  const sig = new Uint8Array(64);
  sig.set(rBytes, 0);
  sig.set(le32(s), 32);
  return sig;
}

/** The secret scalar a of a 32-byte secret key (A = [a]B). */
export function secretScalar(secretKey: Uint8Array): bigint {
  return ed.utils.getExtendedPublicKey(secretKey).scalar;
}

/** A signature whose R is given as bytes for a point [r]B + extra, i.e. S = r + k·a. */
export function signWithR(message: Uint8Array, secretKey: Uint8Array, r: bigint, rBytes: Uint8Array): Uint8Array {
  const pk = ed.getPublicKey(secretKey);
  const k = challenge(rBytes, pk, message);
  return signature(rBytes, (r + k * secretScalar(secretKey)) % L);
}
