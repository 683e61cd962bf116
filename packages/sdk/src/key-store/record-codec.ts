// The on-disk form of a key record: 1 version byte, the 32-byte data key, then an optional
// 32-byte salt. Binary rather than JSON so shredding overwrites exactly the key material.
import type { SampleKeyRecord } from './port.js';

const VERSION = 1;

export function encodeKeyRecord(record: SampleKeyRecord): Uint8Array {
  if (record.dataKey.length !== 32) throw new TypeError('dataKey must be 32 bytes');
  if (record.salt !== undefined && record.salt.length !== 32) throw new TypeError('salt must be 32 bytes');
  const out = new Uint8Array(1 + 32 + (record.salt ? 32 : 0));
  out[0] = VERSION;
  out.set(record.dataKey, 1);
  if (record.salt) out.set(record.salt, 33);
  return out;
}

export function decodeKeyRecord(bytes: Uint8Array): SampleKeyRecord | string {
  if (bytes[0] !== VERSION) return `unknown key record version ${String(bytes[0])}`;
  if (bytes.length === 33) return { dataKey: bytes.slice(1, 33) };
  if (bytes.length === 65) return { dataKey: bytes.slice(1, 33), salt: bytes.slice(33, 65) };
  return `key record has ${bytes.length} bytes, expected 33 or 65`;
}
