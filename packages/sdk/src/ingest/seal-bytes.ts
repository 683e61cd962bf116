// One sample's bytes sealed under a fresh data key (sample-crypto.ts), with its envelope's signing
// bytes as associated data. Each call draws a new key and nonce: a sealing that is never stored
// (its batch refused) leaves nothing behind.
import { newDataKey, sealSample } from '../sample-crypto.js';

export interface SealedBytes {
  readonly dataKey: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export function sealBytes(bytes: Uint8Array, signingBytes: Uint8Array): SealedBytes {
  const dataKey = newDataKey();
  return { dataKey, ciphertext: sealSample(bytes, dataKey, signingBytes) };
}
