// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha), the sample sealer's AEAD, on the fastest native
// code that loads. libsodium (sodium-native, already loaded for Ed25519) does it in one call;
// where its prebuilt addon does not load, node:crypto does the IETF ChaCha20-Poly1305 of
// RFC 8439 after HChaCha20 from @noble/ciphers derives the subkey (draft section 2.3). Creating
// a node:crypto cipher object costs more than sealing a short sample, which is why libsodium
// comes first on the bulk-ingest path. Tests hold every backend byte-identical to noble's
// xchacha20poly1305.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import { hchacha } from '@noble/ciphers/chacha.js';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;

export interface XChaChaBackend {
  readonly name: 'libsodium' | 'node:crypto';
  /** ciphertext ‖ tag, written into `out` (plaintext.length + TAG_BYTES bytes). */
  encrypt(out: Uint8Array, key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, plaintext: Uint8Array): void;
  /** The plaintext of ciphertext ‖ tag, or undefined when it does not authenticate. */
  decrypt(key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, sealed: Uint8Array): Uint8Array | undefined;
}

interface SodiumAead {
  crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: Uint8Array,
    m: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: Uint8Array,
    nsec: null,
    c: Uint8Array,
    ad: Uint8Array | null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number;
}

function loadSodium(): SodiumAead | null {
  try {
    return createRequire(import.meta.url)('sodium-native') as SodiumAead;
  } catch {
    return null;
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new TypeError(`a data key is ${KEY_BYTES} bytes, got ${key.length}`);
}

function sodiumBackend(sodium: SodiumAead): XChaChaBackend {
  return {
    name: 'libsodium',
    encrypt: (out, key, nonce, associatedData, plaintext) => {
      checkKey(key);
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(out, plaintext, associatedData, null, nonce, key);
    },
    decrypt: (key, nonce, associatedData, sealed) => {
      checkKey(key);
      if (sealed.length < TAG_BYTES) return undefined;
      const out = new Uint8Array(sealed.length - TAG_BYTES);
      try {
        sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, sealed, associatedData, nonce, key);
        return out;
      } catch {
        return undefined;
      }
    },
  };
}

// "expand 32-byte k" as little-endian words (RFC 8439 section 2.3).
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);

function words(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

/** HChaCha20 subkey and the 12-byte IETF nonce for an XChaCha20 key and 24-byte nonce. */
function xchachaParts(key: Uint8Array, nonce: Uint8Array): { subkey: Buffer; iv: Buffer } {
  checkKey(key);
  const out = new Uint32Array(8);
  hchacha(SIGMA, words(key), words(nonce.subarray(0, 16)), out);
  const subkey = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) subkey.writeUInt32LE(out[i]!, i * 4);
  const iv = Buffer.alloc(12);
  iv.set(nonce.subarray(16, 24), 4);
  return { subkey, iv };
}

export const nodeCryptoBackend: XChaChaBackend = {
  name: 'node:crypto',
  encrypt: (out, key, nonce, associatedData, plaintext) => {
    const { subkey, iv } = xchachaParts(key, nonce);
    try {
      const cipher = createCipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData, { plaintextLength: plaintext.length });
      const body = cipher.update(plaintext);
      const last = cipher.final();
      out.set(body, 0);
      out.set(last, body.length);
      out.set(cipher.getAuthTag(), body.length + last.length);
    } finally {
      subkey.fill(0);
    }
  },
  decrypt: (key, nonce, associatedData, sealed) => {
    if (sealed.length < TAG_BYTES) return undefined;
    const { subkey, iv } = xchachaParts(key, nonce);
    try {
      const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES });
      const body = sealed.subarray(0, sealed.length - TAG_BYTES);
      decipher.setAAD(associatedData, { plaintextLength: body.length });
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
    } catch {
      return undefined;
    } finally {
      subkey.fill(0);
    }
  },
};

const sodium = loadSodium();

/** Every backend that loads here, fastest first. */
export const xchachaBackends: readonly XChaChaBackend[] =
  sodium === null ? [nodeCryptoBackend] : [sodiumBackend(sodium), nodeCryptoBackend];
