// Ed25519 verification worker for the bulk-ingest pool (plain ESM: worker threads cannot load
// TypeScript). It follows @cairn/core's verifyFast step for step, so the pool's verdicts equal
// verifyFast's (a test holds them equal, malformed inputs included):
//   - S must be < L (no malleated S + L)                      -> invalid,
//   - A must be a canonical encoding (y < p) of a point that is not of small order -> invalid,
//   - then libsodium's (else OpenSSL's) cofactorless check: "yes" is final (it implies the cofactored equation);
//     "no" is reported as UNCONFIRMED and the main thread asks core's strict `verify`, as
//     verifyFast does. Only invalid signatures take that slow path, and any one of them fails
//     the batch anyway.
// Job:   { count, pks: Uint8Array(32n), sigs: Uint8Array(64n), msgs: Uint8Array, offsets: Uint32Array(n+1) }
// Reply: Uint8Array(n) with VALID, INVALID or UNCONFIRMED per item. The pool's plumbing is worker-serve.mjs.
import { createPublicKey, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { serve } from './worker-serve.mjs';

// libsodium verifies about twice as fast as OpenSSL here; OpenSSL where the addon does not load.
// Both are cofactorless, so either's "yes" is final and its "no" goes to the strict check.
const sodium = (() => {
  try {
    return createRequire(import.meta.url)('sodium-native');
  } catch {
    return null;
  }
})();

// DER SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 section 4).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
// L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L_LE = Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex');
// p = 2^255 - 19, little-endian.
const P_LE = Buffer.from('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex');
// y-coordinates (sign bit cleared, canonical) of the eight small-order points: identity (1),
// order 2 (p-1), order 4 (0), and the two order-8 pairs.
const SMALL_ORDER_Y = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
]);

export const INVALID = 0;
export const VALID = 1;
export const UNCONFIRMED = 2;

const MAX_CACHED_KEYS = 4096;
const keyCache = new Map();

/** little-endian a < b over 32 bytes, with b's sign bit; a's top bit cleared when maskTop */
function lessThanLE(a, offset, b, maskTop) {
  for (let i = 31; i >= 0; i--) {
    let x = a[offset + i];
    if (maskTop && i === 31) x &= 0x7f;
    const y = b[i];
    if (x !== y) return x < y;
  }
  return false;
}

function yHex(bytes, offset) {
  const y = Buffer.from(bytes.subarray(offset, offset + 32));
  y[31] &= 0x7f;
  return y.toString('hex');
}

function keyObjectOf(pks, offset) {
  const raw = pks.subarray(offset, offset + 32);
  const cacheKey = Buffer.from(raw).toString('latin1');
  let key = keyCache.get(cacheKey);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keyCache.size >= MAX_CACHED_KEYS) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

export function verifyOne(pks, pkOffset, sigs, sigOffset, message) {
  if (!lessThanLE(sigs, sigOffset + 32, L_LE, false)) return INVALID;
  if (!lessThanLE(pks, pkOffset, P_LE, true)) return INVALID;
  if (SMALL_ORDER_Y.has(yHex(pks, pkOffset))) return INVALID;
  if (sodium !== null) {
    try {
      return sodium.crypto_sign_verify_detached(sigs.subarray(sigOffset, sigOffset + 64), message, pks.subarray(pkOffset, pkOffset + 32))
        ? VALID
        : UNCONFIRMED;
    } catch {
      return UNCONFIRMED;
    }
  }
  let key;
  try {
    key = keyObjectOf(pks, pkOffset);
  } catch {
    // verifyFast asks the strict verifier when OpenSSL cannot parse the key, too.
    return UNCONFIRMED;
  }
  try {
    return verify(null, message, key, sigs.subarray(sigOffset, sigOffset + 64)) ? VALID : UNCONFIRMED;
  } catch {
    return UNCONFIRMED;
  }
}

function handle({ count, pks, sigs, msgs, offsets }) {
  const verdicts = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const message = msgs.subarray(offsets[i], offsets[i + 1]);
    verdicts[i] = verifyOne(pks, i * 32, sigs, i * 64, message);
  }
  return { reply: verdicts, transfer: [verdicts.buffer] };
}

serve(handle);
