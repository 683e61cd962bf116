// Worker of the ingest pool (prepare-pool.ts; plain ESM: worker threads cannot load TypeScript).
// For each contribution of a bulk batch it does the per-row work that needs nothing from the log
// or from the other rows: decode the payload with its schema codec, derive the id (SHA-256 of the
// signing bytes) and its leaf hash in a seal's Merkle tree, and seal the sample bytes under a fresh data key with the signing bytes as
// associated data, exactly as sample-crypto.ts's sealSample lays them out (nonce ‖ ciphertext ‖
// tag). The main thread still writes the envelope's canonical form itself (only @cairn/core makes
// the text the log stores) and checks it yields the same signing bytes.
// Job:   { signer, rows: { type, payload }[], bytes: Uint8Array, bytesAt: Uint32Array(n+1), hasBytes: Uint8Array(n) }
// Reply: { count, ids: string[], leaves: Uint8Array(32 per row: each id's RFC 6962 leaf hash), signing: Uint8Array, signingAt: Uint32Array(count+1),
//            keys: Uint8Array(32 per row; zeros where no sample), sealed: Uint8Array, sealedAt: Uint32Array(count+1),
//            failure?: { at, kind: 'decode' | 'id', error } } — rows before `at` only.
import { createHash, randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { leafHashesOfPacked32, signingBytes } from '@cairn/core';
import { decodePayload } from '@cairn/schemas';
import { serve } from '../worker-serve.mjs';

const sodium = (() => {
  try {
    return createRequire(import.meta.url)('sodium-native');
  } catch {
    return null;
  }
})();

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

// One CSPRNG fill per 4 KiB, as sample-crypto.ts does: a call per key and nonce costs more than sealing a short sample.
const RANDOM_POOL = Buffer.allocUnsafeSlow(4096);
let randomUsed = RANDOM_POOL.length;

function fillRandom(out) {
  if (randomUsed + out.length > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomUsed = 0;
  }
  out.set(RANDOM_POOL.subarray(randomUsed, randomUsed + out.length));
  RANDOM_POOL.fill(0, randomUsed, randomUsed + out.length);
  randomUsed += out.length;
}

function handle({ signer, rows, bytes: packed, bytesAt, hasBytes }) {
  const ids = [];
  // Each id's 32 bytes, for its seal's leaf hash (RFC 6962: SHA-256(0x00 || id)).
  const idBytes = new Uint8Array(rows.length * 32);
  const signed = [];
  const keys = new Uint8Array(rows.length * KEY_BYTES);
  const sealed = [];
  let failure;
  for (let at = 0; at < rows.length; at++) {
    const { type, payload } = rows[at];
    const bytes = hasBytes[at] === 1 ? packed.subarray(bytesAt[at], bytesAt[at + 1]) : undefined;
    const decoded = decodePayload(type, payload);
    if (decoded._tag === 'Left') {
      failure = { at, kind: 'decode', error: decoded.left };
      break;
    }
    const message = signingBytes(type, payload, signer);
    if (message._tag === 'Left') {
      failure = { at, kind: 'id', error: message.left };
      break;
    }
    const digest = createHash('sha256').update(message.right).digest();
    idBytes.set(digest, at * 32);
    ids.push(digest.toString('hex'));
    signed.push(message.right);
    if (type === 'SampleContributed' && bytes !== undefined) {
      const key = keys.subarray(at * KEY_BYTES, (at + 1) * KEY_BYTES);
      fillRandom(key);
      const out = new Uint8Array(NONCE_BYTES + bytes.length + TAG_BYTES);
      const nonce = out.subarray(0, NONCE_BYTES);
      fillRandom(nonce);
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(out.subarray(NONCE_BYTES), bytes, message.right, null, nonce, key);
      sealed.push(out);
    } else sealed.push(undefined);
  }
  const count = ids.length;
  const pack = (parts) => {
    const offsets = new Uint32Array(count + 1);
    let total = 0;
    for (let i = 0; i < count; i++) {
      offsets[i] = total;
      total += parts[i]?.length ?? 0;
    }
    offsets[count] = total;
    const all = new Uint8Array(total);
    for (let i = 0; i < count; i++) if (parts[i]) all.set(parts[i], offsets[i]);
    return [all, offsets];
  };
  const [signing, signingAt] = pack(signed);
  const [sealedBytes, sealedAt] = pack(sealed);
  const leaves = leafHashesOfPacked32(idBytes.subarray(0, count * 32));
  const reply = { count, ids, leaves, signing, signingAt, keys, sealed: sealedBytes, sealedAt, ...(failure ? { failure } : {}) };
  return { reply, transfer: [signing.buffer, keys.buffer, sealedBytes.buffer, signingAt.buffer, sealedAt.buffer] };
}

serve(handle);
