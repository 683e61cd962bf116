// Ed25519 (RFC 8032 section 5.1) on @noble/ed25519, the portable reference. Verification is the
// library's strict branch (zip215: false): S < L, canonical encodings of A and R (y < p, no
// "negative zero" x), small-order public keys refused, cofactored group equation.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

// noble v3 needs a synchronous SHA-512 for its synchronous API (the hot path stays synchronous).
ed.hashes.sha512 = sha512;

/** A fresh 32-byte Ed25519 secret key (the RFC 8032 seed) from the platform CSPRNG. */
export function generateSigningKey(): Uint8Array {
  return ed.utils.randomSecretKey();
}

/** The 32-byte public key A of a 32-byte secret key. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(secretKey);
}

/** The 64-byte signature R || S of `message` (deterministic, RFC 8032 section 5.1.6). */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed.sign(message, secretKey);
}

/** Strict RFC 8032 verification; false (never an exception) for any malformed input. */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || !(message instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return false;
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/**
 * Why `publicKey` cannot be a contributor's key, or undefined when it can: it must be the
 * canonical encoding of a point (RFC 8032 section 5.1.3, y < p and no "negative zero" x) in
 * the prime-order subgroup. The 8 small-order points would let anyone forge signatures under
 * a cofactorless verifier, and a key with a torsion part makes strict and fast verifiers
 * disagree; an honest key (a multiple of the base point) is never either.
 */
export function publicKeyRefusal(publicKey: Uint8Array): string | undefined {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return 'an Ed25519 public key is 32 bytes';
  let point: ed.Point;
  try {
    point = ed.Point.fromBytes(publicKey, false);
  } catch {
    return 'is not the encoding of a curve point';
  }
  const encoded = point.toBytes();
  if (!encoded.every((b, i) => b === publicKey[i])) return 'is not the canonical encoding of its point';
  if (point.isSmallOrder()) return 'is a small-order point, under which signatures can be forged';
  if (!point.isTorsionFree()) return 'is not in the prime-order subgroup (it has a small-order component)';
  return undefined;
}
