// The proof files Cairn hands out, checked offline with nothing but this package: an inclusion
// proof that a CF is a member of a dataset version (`cairn prove`), and a consistency proof that
// an older log is a prefix of a newer one (`cairn tree-head --from`).
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, toHex } from './hex.js';
import { contentIdOf } from './ids.js';
import { decodeInclusionProof, verifyInclusionProof } from './inclusion-proof.js';
import { merkleLeafHash } from './merkle.js';
import { verifyConsistency } from './merkle-proofs.js';

export interface ProofFile {
  readonly cairnInclusionProof: 1;
  readonly cfId: string;
  readonly dataset: string;
  readonly versionId: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
  readonly proof: {
    readonly leafIndex: number;
    readonly treeSize: number;
    readonly leafHash: string;
    readonly auditPath: readonly string[];
    readonly root: string;
  };
}

export interface ProofCheck {
  readonly ok: boolean;
  readonly cfId: string | null;
  readonly versionId: string | null;
  readonly checks: readonly { readonly check: string; readonly ok: boolean }[];
}

/** Offline: no store needed. The path leads to the root, the leaf is this CF, and the version id derives from (manifest, root). */
export function checkProof(file: unknown): ProofCheck {
  const f = (typeof file === 'object' && file !== null ? file : {}) as Partial<ProofFile>;
  const proof = decodeInclusionProof(f.proof);
  const cfBytes = typeof f.cfId === 'string' ? fromHex(f.cfId, 32) : E.left(null);
  const leafIsCf = E.isRight(proof) && E.isRight(cfBytes) && toHex(merkleLeafHash(cfBytes.right)) === proof.right.leafHash;
  const versionId =
    E.isRight(proof) && typeof f.manifestId === 'string'
      ? contentIdOf('dataset-version', { manifest: f.manifestId, root: proof.right.root })
      : E.left(null);
  const checks = [
    { check: 'the proof is well-formed', ok: E.isRight(proof) },
    {
      check: 'the audit path leads from the leaf to the root (RFC 6962)',
      ok: E.isRight(proof) && verifyInclusionProof(proof.right, proof.right.root),
    },
    { check: 'the leaf is the CF named', ok: leafIsCf },
    { check: 'the version id is the content id of (manifest, root)', ok: E.isRight(versionId) && versionId.right === f.versionId },
  ];
  return { ok: checks.every((c) => c.ok), cfId: f.cfId ?? null, versionId: f.versionId ?? null, checks };
}

export interface ConsistencyJson {
  readonly cairnConsistencyProof: 1;
  readonly oldSize: number;
  readonly oldRoot: string;
  readonly newSize: number;
  readonly newRoot: string;
  readonly proof: readonly string[];
}

/** Offline: does the proof show the old tree is a prefix of the new one (RFC 9162 section 2.1.4.2)? */
export function checkConsistency(value: unknown): { readonly ok: boolean; readonly reason: string } {
  const v = value as Partial<ConsistencyJson> | null;
  const hash = (h: unknown) => (typeof h === 'string' ? E.getOrElseW(() => null)(fromHex(h, 32)) : null);
  const oldRoot = hash(v?.oldRoot);
  const newRoot = hash(v?.newRoot);
  const proof = Array.isArray(v?.proof) ? v.proof.map(hash) : null;
  if (
    v?.cairnConsistencyProof !== 1 ||
    typeof v.oldSize !== 'number' ||
    typeof v.newSize !== 'number' ||
    oldRoot === null ||
    newRoot === null ||
    proof === null ||
    proof.some((p) => p === null)
  )
    return { ok: false, reason: 'not a consistency proof (cairnConsistencyProof, oldSize, oldRoot, newSize, newRoot, proof)' };
  const ok = verifyConsistency({ oldSize: v.oldSize, newSize: v.newSize, oldRoot, newRoot, proof: proof as Uint8Array[] });
  return {
    ok,
    reason: ok
      ? `the tree of ${v.oldSize} events is a prefix of the tree of ${v.newSize}`
      : 'the proof does not show the old tree is a prefix of the new one',
  };
}
