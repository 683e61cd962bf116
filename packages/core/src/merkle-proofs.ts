// Inclusion (audit path) and consistency proofs of RFC 6962 section 2.1.1 / 2.1.2, produced from
// a built tree, and verified with the algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2.
// Tree sizes and indices are plain numbers (exact up to 2^53), so shifts are done by division.
import * as E from 'fp-ts/lib/Either.js';
import {
  EMPTY_TREE_ROOT,
  HASH_SIZE,
  buildMerkleTree,
  merkleLeafHash,
  merkleNodeHash,
  nodeAt,
  packedLeafHashesOf,
  type MerkleTree,
} from './merkle.js';

export interface MerkleProofError {
  readonly _tag: 'MerkleProofError';
  readonly reason: string;
}

const refuse = (reason: string): E.Either<MerkleProofError, never> => E.left({ _tag: 'MerkleProofError', reason });

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * MTH of leaves [lo, hi) of the tree. Every range RFC 6962's PATH and SUBPROOF ask for is
 * either a full aligned power-of-two block or ends at the tree's size, i.e. it is one node of
 * the level-by-level tree: the node at height ceil(log2(hi - lo)), index lo / 2^height.
 */
function subtreeHash(tree: MerkleTree, lo: number, hi: number): Uint8Array {
  let height = 0;
  while (2 ** height < hi - lo) height++;
  return nodeAt(tree, height, lo / 2 ** height);
}

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function path(tree: MerkleTree, m: number, lo: number, hi: number, out: Uint8Array[]): void {
  const n = hi - lo;
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(tree, m, lo, lo + k, out);
    out.push(subtreeHash(tree, lo + k, hi));
  } else {
    path(tree, m - k, lo + k, hi, out);
    out.push(subtreeHash(tree, lo, lo + k));
  }
}

function subproof(tree: MerkleTree, m: number, lo: number, hi: number, complete: boolean, out: Uint8Array[]): void {
  const n = hi - lo;
  if (m === n) {
    if (!complete) out.push(subtreeHash(tree, lo, hi));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(tree, m, lo, lo + k, complete, out);
    out.push(subtreeHash(tree, lo + k, hi));
  } else {
    subproof(tree, m - k, lo + k, hi, false, out);
    out.push(subtreeHash(tree, lo, lo + k));
  }
}

/** The audit path PATH(index, D[n]) of RFC 6962 section 2.1.1, leaf side first. */
export function inclusionProofFromTree(tree: MerkleTree, index: number): E.Either<MerkleProofError, readonly Uint8Array[]> {
  if (!isCount(index) || index >= tree.size) return refuse(`leaf index ${String(index)} is outside a tree of size ${tree.size}`);
  const out: Uint8Array[] = [];
  path(tree, index, 0, tree.size, out);
  return E.right(out);
}

/** The audit path of leaf `index` among raw `leaves`. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): E.Either<MerkleProofError, readonly Uint8Array[]> {
  return inclusionProofFromTree(buildMerkleTree(packedLeafHashesOf(leaves)), index);
}

/** The consistency proof PROOF(oldSize, D[n]) of RFC 6962 section 2.1.2 (0 < oldSize <= n). */
export function consistencyProofFromTree(tree: MerkleTree, oldSize: number): E.Either<MerkleProofError, readonly Uint8Array[]> {
  if (!isCount(oldSize) || oldSize > tree.size) return refuse(`old size ${String(oldSize)} is not within a tree of size ${tree.size}`);
  // RFC 9162 section 2.1.4: proofs from the empty tree or to the same size are empty.
  if (oldSize === 0 || oldSize === tree.size) return E.right([]);
  const out: Uint8Array[] = [];
  subproof(tree, oldSize, 0, tree.size, true, out);
  return E.right(out);
}

/** The consistency proof between the first `oldSize` of raw `leaves` and all of them. */
export function consistencyProof(leaves: readonly Uint8Array[], oldSize: number): E.Either<MerkleProofError, readonly Uint8Array[]> {
  return consistencyProofFromTree(buildMerkleTree(packedLeafHashesOf(leaves)), oldSize);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_SIZE;

export type InclusionClaim = {
  readonly index: number;
  readonly treeSize: number;
  readonly proof: readonly Uint8Array[];
  readonly root: Uint8Array;
} & ({ readonly leafHash: Uint8Array; readonly leaf?: never } | { readonly leaf: Uint8Array; readonly leafHash?: never });

/**
 * RFC 9162 section 2.1.3.2: does `proof` show the leaf at `index` in the tree of `treeSize` with
 * `root`? The root binds the content; the size must come from the same trusted source as the root
 * (a signed checkpoint), since near the tree's left edge one path fits sizes n and n ± 1 alike.
 */
export function verifyInclusion(claim: InclusionClaim): boolean {
  const { index, treeSize, proof, root } = claim;
  const leafHash = claim.leaf instanceof Uint8Array ? merkleLeafHash(claim.leaf) : claim.leafHash;
  if (!isCount(index) || !isCount(treeSize) || index >= treeSize) return false;
  if (!isHash(leafHash) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      r = merkleNodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && equalBytes(r, root);
}

export interface ConsistencyClaim {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Uint8Array;
  readonly newRoot: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/** RFC 9162 section 2.1.4.2: is the tree (oldSize, oldRoot) a prefix of (newSize, newRoot)? */
export function verifyConsistency(claim: ConsistencyClaim): boolean {
  const { oldSize, newSize, oldRoot, newRoot, proof } = claim;
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  // The empty tree is a prefix of every tree, but only under its own root.
  if (oldSize === 0) return proof.length === 0 && equalBytes(oldRoot, EMPTY_TREE_ROOT);
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = merkleNodeHash(c, fr);
      sr = merkleNodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      sr = merkleNodeHash(sr, c);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
