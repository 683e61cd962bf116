// Hex is the ledger's edge encoding for bytes (ids, keys, signatures): lowercase only, so that
// one byte string has exactly one spelling and ids compare as plain strings.
import * as E from 'fp-ts/lib/Either.js';

export interface HexError {
  readonly _tag: 'InvalidHex';
  readonly reason: string;
}

const DIGITS = '0123456789abcdef';
const BYTE_TO_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => DIGITS[b >> 4]! + DIGITS[b & 15]!);

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  // Buffer's native encoder is several times faster than a JS loop for ids and roots.
  if (bytes.length > 16) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!]!;
  return out;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/**
 * Bytes of a strict hex string: even length, digits 0-9a-f only (uppercase is refused), and
 * exactly `byteLength` bytes when given.
 */
export function fromHex(hex: string, byteLength?: number): E.Either<HexError, Uint8Array> {
  if (typeof hex !== 'string') return E.left({ _tag: 'InvalidHex', reason: `expected a string, got ${typeof hex}` });
  if (hex.length % 2 !== 0) return E.left({ _tag: 'InvalidHex', reason: `odd length ${hex.length}` });
  if (byteLength !== undefined && hex.length !== 2 * byteLength)
    return E.left({ _tag: 'InvalidHex', reason: `expected ${byteLength} bytes (${2 * byteLength} hex digits), got ${hex.length / 2}` });
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? 2 * i : 2 * i + 1;
      return E.left({ _tag: 'InvalidHex', reason: `character ${JSON.stringify(hex[at])} at ${at} is not lowercase hex` });
    }
    out[i] = (hi << 4) | lo;
  }
  return E.right(out);
}

/** True when `hex` is strict lowercase hex of exactly `byteLength` bytes. */
export function isHexOfLength(hex: unknown, byteLength: number): hex is string {
  if (typeof hex !== 'string' || hex.length !== 2 * byteLength) return false;
  for (let i = 0; i < hex.length; i++) if (nibble(hex.charCodeAt(i)) < 0) return false;
  return true;
}
