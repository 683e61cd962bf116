import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { fromHex, toHex } from './hex.js';
import { contentIdOf } from './ids.js';
import { inclusionProofFor } from './inclusion-proof.js';
import { buildMerkleTree, merkleLeafHash } from './merkle.js';
import { consistencyProofFromTree } from './merkle-proofs.js';
import { checkConsistency, checkProof } from './proof-checks.js';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};
const cfIds = Array.from({ length: 5 }, (_, i) => String(i + 1).repeat(64));
const leaves = cfIds.map((id) => merkleLeafHash(right(fromHex(id, 32))));
const tree = buildMerkleTree(leaves);
const manifestId = 'a'.repeat(64);

function proofFile(index: number) {
  const proof = right(inclusionProofFor(tree, index));
  return {
    cairnInclusionProof: 1 as const,
    cfId: cfIds[index]!,
    dataset: 'd',
    versionId: right(contentIdOf('dataset-version', { manifest: manifestId, root: proof.root })),
    manifestId,
    merkleRoot: proof.root,
    proof,
  };
}
const failed = (r: { checks: readonly { check: string; ok: boolean }[] }) => r.checks.filter((c) => !c.ok).map((c) => c.check);

describe('checkProof (offline inclusion proof of a CF in a dataset version)', () => {
  it('given the proof of each member, then every check passes', () => {
    for (let i = 0; i < cfIds.length; i++)
      expect(checkProof(proofFile(i))).toMatchObject({ ok: true, cfId: cfIds[i], checks: expect.any(Array) });
  });

  it('when the file names another CF than the leaf, then only the leaf check fails', () => {
    expect(failed(checkProof({ ...proofFile(0), cfId: cfIds[1] }))).toEqual(['the leaf is the CF named']);
  });

  it('when the version id is not the content id of (manifest, root), then only that check fails', () => {
    expect(failed(checkProof({ ...proofFile(2), manifestId: 'b'.repeat(64) }))).toEqual([
      'the version id is the content id of (manifest, root)',
    ]);
  });

  it('when the audit path is changed, then the path check fails', () => {
    const f = proofFile(3);
    const auditPath = [toHex(leaves[0]!), ...f.proof.auditPath.slice(1)];
    expect(failed(checkProof({ ...f, proof: { ...f.proof, auditPath } }))).toContain(
      'the audit path leads from the leaf to the root (RFC 6962)',
    );
  });

  it('given something that is not a proof, then it fails every check without throwing', () => {
    expect(checkProof('nonsense')).toMatchObject({ ok: false, cfId: null, versionId: null });
    expect(failed(checkProof({}))).toHaveLength(4);
  });
});

describe('checkConsistency (offline: an old log is a prefix of a new one)', () => {
  const json = (oldSize: number) => ({
    cairnConsistencyProof: 1,
    oldSize,
    oldRoot: toHex(buildMerkleTree(leaves.slice(0, oldSize)).root),
    newSize: leaves.length,
    newRoot: toHex(tree.root),
    proof: right(consistencyProofFromTree(tree, oldSize)).map(toHex),
  });

  it('given a proof from each older size, then it holds', () => {
    for (let size = 1; size <= leaves.length; size++)
      expect(checkConsistency(json(size))).toEqual({
        ok: true,
        reason: `the tree of ${size} events is a prefix of the tree of ${leaves.length}`,
      });
  });

  it('when the old root is not the root of that prefix, then it does not hold', () => {
    expect(checkConsistency({ ...json(3), oldRoot: toHex(leaves[0]!) })).toEqual({
      ok: false,
      reason: 'the proof does not show the old tree is a prefix of the new one',
    });
  });

  it('given something that is not a consistency proof, then the reason lists the fields one needs', () => {
    for (const bad of [null, {}, { ...json(2), cairnConsistencyProof: 2 }, { ...json(2), proof: ['zz'] }])
      expect(checkConsistency(bad)).toEqual({
        ok: false,
        reason: 'not a consistency proof (cairnConsistencyProof, oldSize, oldRoot, newSize, newRoot, proof)',
      });
  });
});
