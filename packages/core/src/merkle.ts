// Merkle Tree Hash of RFC 6962 section 2.1 (the same tree as RFC 9162 section 2.1.1):
// leaf = SHA-256(0x00 || d), node = SHA-256(0x01 || left || right), MTH({}) = SHA-256("").
// The recursive definition splits at the largest power of two below n; building level by
// level and carrying an unpaired last node up unchanged yields exactly the same tree, with no
// recursion and one flat buffer per level.
import { sha256 } from './sha256.js';
import { leafHash32, nodeHash32 } from './merkle-sha256.js';

export const HASH_SIZE = 32;

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** SHA-256(0x00 || data): the hash of one leaf. */
export function merkleLeafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return sha256(input);
}

/** SHA-256(0x01 || left || right): the hash of an inner node. */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + 2 * HASH_SIZE);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + HASH_SIZE);
  return sha256(input);
}

/** Leaf hashes packed into one buffer (n × 32 bytes): the form the tree is built from. */
export function packLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  const packed = new Uint8Array(leafHashes.length * HASH_SIZE);
  for (let i = 0; i < leafHashes.length; i++) {
    const h = leafHashes[i]!;
    if (h.length !== HASH_SIZE) throw new RangeError(`leaf hash ${i} has ${h.length} bytes, expected ${HASH_SIZE}`);
    packed.set(h, i * HASH_SIZE);
  }
  return packed;
}

/** Leaf hashes of raw leaves, packed. */
export function packedLeafHashesOf(leaves: readonly Uint8Array[]): Uint8Array {
  const packed = new Uint8Array(leaves.length * HASH_SIZE);
  for (let i = 0; i < leaves.length; i++) packed.set(merkleLeafHash(leaves[i]!), i * HASH_SIZE);
  return packed;
}

/**
 * Hashes one level into the next: pairs (2i, 2i+1) become node i, an unpaired last node is
 * carried up. `into` may be `level` itself (node i is written after nodes 2i and 2i+1 are read).
 * Nodes go through the fixed-shape SHA-256 of merkle-sha256.ts: a general-purpose hash call
 * costs about a microsecond of overhead per node, which dominates a million-leaf tree.
 */
function nextLevel(level: Uint8Array, count: number, into: Uint8Array): number {
  const pairs = count >>> 1;
  for (let i = 0; i < pairs; i++) nodeHash32(level, 2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE, into, i * HASH_SIZE);
  if (count & 1) {
    const last = (count - 1) * HASH_SIZE;
    if (into === level) into.copyWithin(pairs * HASH_SIZE, last, last + HASH_SIZE);
    else into.set(level.subarray(last, last + HASH_SIZE), pairs * HASH_SIZE);
  }
  return pairs + (count & 1);
}

/** RFC 6962 leaf hashes of packed 32-byte leaves (ids, digests): n × 32 bytes in, n × 32 out. */
export function leafHashesOfPacked32(packedLeaves: Uint8Array): Uint8Array {
  if (packedLeaves.length % HASH_SIZE !== 0) throw new RangeError(`packed leaves must be a multiple of ${HASH_SIZE} bytes`);
  const out = new Uint8Array(packedLeaves.length);
  for (let off = 0; off < packedLeaves.length; off += HASH_SIZE) leafHash32(packedLeaves, off, out, off);
  return out;
}

/** MTH over already-hashed leaves, either as an array or packed; the input is not modified. */
export function merkleRootOfLeafHashes(leafHashes: readonly Uint8Array[] | Uint8Array): Uint8Array {
  const work = leafHashes instanceof Uint8Array ? Uint8Array.from(leafHashes) : packLeafHashes(leafHashes);
  if (work.length % HASH_SIZE !== 0) throw new RangeError(`packed leaf hashes must be a multiple of ${HASH_SIZE} bytes`);
  let count = work.length / HASH_SIZE;
  if (count === 0) return Uint8Array.from(EMPTY_TREE_ROOT);
  while (count > 1) count = nextLevel(work, count, work);
  return work.slice(0, HASH_SIZE);
}

/** MTH over raw leaves (each hashed as SHA-256(0x00 || leaf)). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return merkleRootOfLeafHashes(packedLeafHashesOf(leaves));
}

/** Every level of a tree (level 0 = leaf hashes, last = root), for answering many proofs. */
export interface MerkleTree {
  readonly size: number;
  readonly root: Uint8Array;
  /** levels[k] packs the nodes of height k; node j covers leaves [j·2^k, min((j+1)·2^k, size)). */
  readonly levels: readonly Uint8Array[];
}

/** Builds all levels over already-hashed leaves (array or packed). */
export function buildMerkleTree(leafHashes: readonly Uint8Array[] | Uint8Array): MerkleTree {
  const leaves = leafHashes instanceof Uint8Array ? Uint8Array.from(leafHashes) : packLeafHashes(leafHashes);
  if (leaves.length % HASH_SIZE !== 0) throw new RangeError(`packed leaf hashes must be a multiple of ${HASH_SIZE} bytes`);
  const size = leaves.length / HASH_SIZE;
  if (size === 0) return Object.freeze({ size: 0, root: Uint8Array.from(EMPTY_TREE_ROOT), levels: Object.freeze([leaves]) });
  const levels: Uint8Array[] = [leaves];
  let level = leaves;
  let count = size;
  while (count > 1) {
    const next = new Uint8Array(Math.ceil(count / 2) * HASH_SIZE);
    count = nextLevel(level, count, next);
    levels.push(next);
    level = next;
  }
  return Object.freeze({ size, root: level.slice(0, HASH_SIZE), levels: Object.freeze(levels) });
}

/** The hash of the node at `height` and position `index` of a built tree. */
export function nodeAt(tree: MerkleTree, height: number, index: number): Uint8Array {
  const level = tree.levels[height];
  if (level === undefined || (index + 1) * HASH_SIZE > level.length) throw new RangeError(`no node at height ${height}, index ${index}`);
  return level.slice(index * HASH_SIZE, (index + 1) * HASH_SIZE);
}
