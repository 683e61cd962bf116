// RFC 6962 section 2.1.1 audit path PATH(m, D[n]) over flat leaf hashes, with the subtree roots
// computed by the same fast MTH as the version root (a million-leaf proof without a full tree).
import { merkleRootOfLeafHashes } from './merkle-root.js';

export function auditPath(leafHashes: Uint8Array, index: number): string[] {
  const path: string[] = [];
  let lo = 0;
  let n = leafHashes.length / 32;
  let m = index;
  const siblings: string[] = [];
  while (n > 1) {
    let k = 1;
    while (k * 2 < n) k *= 2;
    if (m < k) {
      siblings.push(merkleRootOfLeafHashes(leafHashes.subarray(32 * (lo + k), 32 * (lo + n))));
      n = k;
    } else {
      siblings.push(merkleRootOfLeafHashes(leafHashes.subarray(32 * lo, 32 * (lo + k))));
      lo += k;
      m -= k;
      n -= k;
    }
  }
  // PATH lists the leaf side first: the sibling found last is the deepest
  for (let i = siblings.length - 1; i >= 0; i--) path.push(siblings[i]!);
  return path;
}
