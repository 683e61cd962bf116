// The inclusion proof a contributor keeps: plain JSON (hex strings and numbers), so it can be
// stored, mailed and checked offline against a dataset version's published Merkle root.
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, toHex } from './hex.js';
import { isSha256Hex, type Sha256Hex } from './sha256.js';
import { nodeAt, type MerkleTree } from './merkle.js';
import { inclusionProofFromTree, verifyInclusion, type MerkleProofError } from './merkle-proofs.js';

export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  /** SHA-256(0x00 || leaf). */
  readonly leafHash: Sha256Hex;
  /** RFC 6962 audit path, leaf side first. */
  readonly auditPath: readonly Sha256Hex[];
  readonly root: Sha256Hex;
}

const hexToBytes = (h: Sha256Hex): Uint8Array => (fromHex(h) as E.Right<Uint8Array>).right;

/** The compact proof that leaf `index` of `tree` is included under its root. */
export function inclusionProofFor(tree: MerkleTree, index: number): E.Either<MerkleProofError, InclusionProof> {
  return E.map((path: readonly Uint8Array[]) => ({
    leafIndex: index,
    treeSize: tree.size,
    leafHash: toHex(nodeAt(tree, 0, index)) as Sha256Hex,
    auditPath: path.map((h) => toHex(h) as Sha256Hex),
    root: toHex(tree.root) as Sha256Hex,
  }))(inclusionProofFromTree(tree, index));
}

/** Checks the shape of an untrusted proof (e.g. parsed JSON); the reason names the field. */
export function decodeInclusionProof(value: unknown): E.Either<MerkleProofError, InclusionProof> {
  const bad = (reason: string) => E.left<MerkleProofError>({ _tag: 'MerkleProofError', reason });
  if (typeof value !== 'object' || value === null) return bad('an inclusion proof is an object');
  const v = value as Record<string, unknown>;
  for (const field of ['leafIndex', 'treeSize'] as const)
    if (!Number.isSafeInteger(v[field]) || (v[field] as number) < 0) return bad(`${field}: expected a non-negative integer`);
  for (const field of ['leafHash', 'root'] as const)
    if (!isSha256Hex(v[field])) return bad(`${field}: expected 64 lowercase hex characters`);
  if (!Array.isArray(v.auditPath)) return bad('auditPath: expected an array');
  const i = v.auditPath.findIndex((h) => !isSha256Hex(h));
  if (i >= 0) return bad(`auditPath[${i}]: expected 64 lowercase hex characters`);
  return E.right({
    leafIndex: v.leafIndex as number,
    treeSize: v.treeSize as number,
    leafHash: v.leafHash as Sha256Hex,
    auditPath: [...(v.auditPath as Sha256Hex[])],
    root: v.root as Sha256Hex,
  });
}

/**
 * Offline check: the audit path leads from the leaf hash to the proof's root, and that root is
 * the `trustedRoot` (the one published for the dataset version) when given. Without a trusted
 * root this only shows the proof is self-consistent.
 */
export function verifyInclusionProof(proof: InclusionProof, trustedRoot?: Sha256Hex): boolean {
  if (E.isLeft(decodeInclusionProof(proof))) return false;
  if (trustedRoot !== undefined && proof.root !== trustedRoot) return false;
  return verifyInclusion({
    index: proof.leafIndex,
    treeSize: proof.treeSize,
    leafHash: hexToBytes(proof.leafHash),
    proof: proof.auditPath.map(hexToBytes),
    root: hexToBytes(proof.root),
  });
}
