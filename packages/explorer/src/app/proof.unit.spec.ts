import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { buildMerkleTree, checkProof, contentIdOf, inclusionProofFor, merkleLeafHash, toHex } from '@cairn/core';
import { leafHashOf, verifyProof, versionIdOf } from './proof.js';

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b));

/** A version as core builds it: members in id order, its root and id, and core's proof file for member `index`. */
function versionOf(ids: readonly string[], manifestId: string, index: number) {
  const sorted = [...new Set(ids)].sort();
  const bytes = sorted.map((id) => Uint8Array.from(Buffer.from(id, 'hex')));
  const tree = buildMerkleTree(bytes.map((b) => merkleLeafHash(b)));
  const proof = E.getOrElseW(() => {
    throw new Error('no proof');
  })(inclusionProofFor(tree, index % sorted.length));
  const root = toHex(tree.root);
  const versionId = E.getOrElseW(() => '')(contentIdOf('dataset-version', { manifest: manifestId, root }));
  const cfId = sorted[index % sorted.length]!;
  const file = { cairnInclusionProof: 1, cfId, dataset: 'd', versionId, manifestId, merkleRoot: root, proof };
  return { cfId, file, published: { versionId, manifestId, merkleRoot: root } };
}

describe("the page's inclusion-proof check, held to @cairn/core", () => {
  it('given any version and member, when core proves it, then the page verifies it exactly when core does', () => {
    fc.assert(
      fc.property(fc.array(hex64, { minLength: 1, maxLength: 70 }), hex64, fc.nat(), (ids, manifestId, index) => {
        const { cfId, file, published } = versionOf(ids, manifestId, index);
        expect(core(file)).toBe(true);
        const verdict = verifyProof(file, cfId, published);
        expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
        expect(verdict.computedRoot).toBe(published.merkleRoot);
      }),
      { numRuns: 150 },
    );
  });

  it('given a proof with an audit-path hash, the index or the size changed, when checked, then the page agrees with core', () => {
    fc.assert(
      fc.property(fc.array(hex64, { minLength: 2, maxLength: 40 }), hex64, fc.nat(), fc.nat(), (ids, manifestId, index, which) => {
        const { cfId, file, published } = versionOf(ids, manifestId, index);
        const path = [...file.proof.auditPath];
        const flipped = which % 3 === 0 && path.length > 0;
        const tampered = flipped
          ? { ...file, proof: { ...file.proof, auditPath: path.map((h, i) => (i === which % path.length ? flip(h) : h)) } }
          : which % 3 === 1
            ? { ...file, proof: { ...file.proof, leafIndex: (file.proof.leafIndex + 1) % file.proof.treeSize } }
            : { ...file, proof: { ...file.proof, treeSize: file.proof.treeSize + 1 } };
        // core checks the path against the proof's own root; the page against the published one.
        const byCore = core({ ...tampered, proof: { ...tampered.proof, root: published.merkleRoot } });
        const byPage = verifyProof(tampered, cfId, published).ok;
        expect(byPage).toBe(byCore);
        // A changed hash can never lead to the same root (a size one larger may: RFC 9162 reads some paths alike).
        if (flipped || which % 3 === 1) expect(byPage).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it("given a valid proof, when the server's version claims another root or id, then the page refuses it", () => {
    const { cfId, file, published } = versionOf(['aa'.repeat(32), 'bb'.repeat(32), 'cc'.repeat(32)], 'dd'.repeat(32), 1);
    expect(verifyProof(file, cfId, published).ok).toBe(true);
    expect(verifyProof(file, cfId, { ...published, merkleRoot: flip(published.merkleRoot) }).ok).toBe(false);
    expect(verifyProof(file, cfId, { ...published, versionId: flip(published.versionId) }).ok).toBe(false);
    expect(verifyProof(file, 'aa'.repeat(32), published).ok).toBe(false);
    expect(verifyProof({ ...file, cfId: 'aa'.repeat(32) }, 'aa'.repeat(32), published).ok).toBe(false);
  });

  it('given junk, when checked, then it is refused as not well-formed', () => {
    for (const junk of [null, 'x', {}, { cfId: 'zz', proof: {} }, { cfId: 'aa'.repeat(32), proof: { auditPath: ['nothex'] } }])
      expect(verifyProof(junk, 'aa'.repeat(32), { versionId: '', manifestId: '', merkleRoot: '' })).toMatchObject({
        ok: false,
        computedRoot: null,
      });
  });

  it('given an id, the leaf hash and version id are the ones core computes', () => {
    const id = 'ab'.repeat(32);
    expect(leafHashOf(id)).toBe(toHex(merkleLeafHash(Buffer.from(id, 'hex'))));
    expect(versionIdOf('01'.repeat(32), id)).toBe(
      E.getOrElseW(() => '')(contentIdOf('dataset-version', { manifest: '01'.repeat(32), root: id })),
    );
  });
});

const core = (file: unknown) => checkProof(JSON.parse(JSON.stringify(file))).ok;
const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
