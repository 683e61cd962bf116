// An RFC 6962 tree grown one leaf at a time in O(log n) memory: the frontier (a "compact range"
// from 0 to n) is the roots of the perfect subtrees that n's binary digits name, largest first.
// RFC 6962 splits a tree at the largest power of two below its size, so those subtrees are exactly
// the left siblings on the tree's right edge, and folding them from the right gives the root.
// Appending a leaf carries like a binary counter: equal-height subtrees merge into one.
import { EMPTY_TREE_ROOT, HASH_SIZE, merkleNodeHash } from './merkle.js';

export interface MerkleFrontier {
  /** Leaves appended so far. */
  readonly size: number;
  /** The perfect subtree roots, largest (leftmost) first; one per set bit of `size`. */
  readonly hashes: readonly Uint8Array[];
}

export const EMPTY_FRONTIER: MerkleFrontier = { size: 0, hashes: [] };

function popCount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
}

/** A frontier from stored parts, or null when they do not fit together (wrong count or hash size). */
export function merkleFrontierOf(size: number, hashes: readonly Uint8Array[]): MerkleFrontier | null {
  if (!Number.isSafeInteger(size) || size < 0 || hashes.length !== popCount(size)) return null;
  if (!hashes.every((h) => h instanceof Uint8Array && h.length === HASH_SIZE)) return null;
  return { size, hashes: [...hashes] };
}

/** The frontier with `leafHashes` appended in order (the input frontier is left as it was). */
export function extendMerkleFrontier(frontier: MerkleFrontier, leafHashes: Iterable<Uint8Array>): MerkleFrontier {
  const hashes = [...frontier.hashes];
  let size = frontier.size;
  for (const leaf of leafHashes) {
    let node = leaf;
    // Each trailing 1 bit of size is a subtree of the new node's height waiting for its right half.
    for (let s = size; s % 2 === 1; s = Math.floor(s / 2)) node = merkleNodeHash(hashes.pop()!, node);
    hashes.push(node);
    size += 1;
  }
  return { size, hashes };
}

/** MTH of the tree the frontier describes (RFC 6962 section 2.1). */
export function merkleFrontierRoot(frontier: MerkleFrontier): Uint8Array {
  const { hashes } = frontier;
  if (hashes.length === 0) return EMPTY_TREE_ROOT;
  let root = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) root = merkleNodeHash(hashes[i]!, root);
  return root;
}
