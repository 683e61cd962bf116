// RFC 6962 section 2.1 Merkle Tree Hash over a sorted list of 32-byte ids, computed in place
// over flat buffers (see sha256-fixed.ts for why). Pairing level by level and carrying an odd
// last node up unchanged yields exactly MTH's "split at the largest power of two below n".
import { createHash } from 'node:crypto';
import { leafHash32, nodeHash32 } from './sha256-fixed.js';

/** RFC 6962 leaf hashes of packed ids, flat (hash i at bytes 32·i..32·i+31). */
export function leafHashesOf(packedIds: Uint8Array): Uint8Array {
  const out = new Uint8Array(packedIds.length);
  for (let off = 0; off < packedIds.length; off += 32) leafHash32(packedIds, off, out, off);
  return out;
}

/** MTH over precomputed flat leaf hashes; the input is not modified. Lowercase hex. */
export function merkleRootOfLeafHashes(leafHashes: Uint8Array): string {
  let n = leafHashes.length / 32;
  if (n === 0) return createHash('sha256').digest('hex');
  if (n === 1) return Buffer.from(leafHashes).toString('hex');
  const level = new Uint8Array(leafHashes.length);
  let src = leafHashes;
  while (n > 1) {
    const half = n >>> 1;
    for (let i = 0; i < half; i++) nodeHash32(src, 64 * i, 64 * i + 32, level, 32 * i);
    // an odd last node is carried up unchanged (in place once src is the working level)
    if (n % 2 === 1) level.set(src.subarray(32 * (n - 1), 32 * n), 32 * half);
    n = half + (n % 2);
    src = level;
  }
  return Buffer.from(level.subarray(0, 32)).toString('hex');
}
