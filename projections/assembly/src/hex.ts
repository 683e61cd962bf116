// Lowercase hex ↔ flat byte buffers without a Buffer allocation per id (a build handles millions).
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i;

/** Writes the 32 bytes of a 64-char lowercase hex id at out[off..off+32); false if it is not one. */
export function writeHex32(id: string, out: Uint8Array, off: number): boolean {
  if (id.length !== 64) return false;
  for (let i = 0; i < 32; i++) {
    const hi = NIBBLE[id.charCodeAt(2 * i)] ?? -1;
    const lo = NIBBLE[id.charCodeAt(2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return false;
    out[off + i] = (hi << 4) | lo;
  }
  return true;
}

/** Packs ids into one flat buffer (id i at bytes 32·i..); throws on a malformed id (a bug upstream). */
export function packIds(ids: readonly string[]): Uint8Array {
  const packed = new Uint8Array(ids.length * 32);
  for (let i = 0; i < ids.length; i++) {
    if (!writeHex32(ids[i]!, packed, 32 * i)) throw new Error(`not a 64-char lowercase hex id: ${ids[i]}`);
  }
  return packed;
}

export function hexOf(bytes: Uint8Array, off = 0, length = bytes.length - off): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + off, length).toString('hex');
}
