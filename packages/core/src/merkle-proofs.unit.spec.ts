import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { EMPTY_TREE_ROOT, buildMerkleTree, merkleLeafHash, merkleRoot, nodeAt, packedLeafHashesOf } from './merkle.js';
import {
  consistencyProof,
  consistencyProofFromTree,
  inclusionProof,
  inclusionProofFromTree,
  verifyConsistency,
  verifyInclusion,
} from './merkle-proofs.js';
import { decodeInclusionProof, inclusionProofFor, verifyInclusionProof, type InclusionProof } from './inclusion-proof.js';
import { toHex } from './hex.js';
import { CT_CONSISTENCY, CT_INCLUSION, CT_LEAVES, CT_ROOTS, hex } from './__tests__/merkle-vectors.js';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};
const flipBit = (h: Uint8Array, bit = 3): Uint8Array => {
  const c = Uint8Array.from(h);
  c[0]! ^= 1 << bit;
  return c;
};
const SOME_HASH = hex('abacaba000000000000000000000000000000000000000000060061e00123456');

type Inclusion = Parameters<typeof verifyInclusion>[0];
type Consistency = Parameters<typeof verifyConsistency>[0];

/** Every way of corrupting a valid inclusion claim (after transparency-dev/merkle's corruptInclusionProof, plus more). */
function corruptInclusion(c: {
  index: number;
  treeSize: number;
  leafHash: Uint8Array;
  proof: readonly Uint8Array[];
  root: Uint8Array;
}): Array<[string, Inclusion]> {
  const { index, treeSize, leafHash, proof, root } = c;
  const out: Array<[string, Inclusion]> = [
    ['index - 1', { ...c, index: index - 1 }],
    ['index + 1', { ...c, index: index + 1 }],
    ['index ^ 2', { ...c, index: index ^ 2 }],
    ['treeSize * 2', { ...c, treeSize: treeSize * 2 }],
    ['treeSize / 2', { ...c, treeSize: Math.floor(treeSize / 2) }],
    // Not ±1: near the left edge a path can be identical for sizes n and n ± 1, so the proof
    // alone does not pin the size; the signed checkpoint (size, root) does.
    ['treeSize 0', { ...c, treeSize: 0 }],
    ['wrong leaf', { ...c, leafHash: merkleLeafHash(hex('ffffffffff')) }], // longer than any generated leaf
    ['flipped leaf bit', { ...c, leafHash: flipBit(leafHash) }],
    ['empty-tree root', { ...c, root: EMPTY_TREE_ROOT }],
    ['random root', { ...c, root: SOME_HASH }],
    ['flipped root bit', { ...c, root: flipBit(root, 7) }],
    ['trailing root', { ...c, proof: [...proof, root] }],
    ['trailing short element', { ...c, proof: [...proof, new Uint8Array(0)] }],
    ['preceding root', { ...c, proof: [root, ...proof] }],
    ['preceding leaf hash', { ...c, proof: [leafHash, ...proof] }],
    ['31-byte root', { ...c, root: root.subarray(0, 31) }],
  ];
  proof.forEach((_, i) => {
    const wrong = [...proof];
    wrong[i] = flipBit(proof[i]!);
    out.push([`flipped bit in proof[${i}]`, { ...c, proof: wrong }]);
    const short = [...proof];
    short[i] = proof[i]!.subarray(0, 31);
    out.push([`truncated proof[${i}]`, { ...c, proof: short }]);
  });
  if (proof.length > 0) out.push(['removed last element', { ...c, proof: proof.slice(0, -1) }]);
  if (proof.length > 0) out.push(['removed first element', { ...c, proof: proof.slice(1) }]);
  if (proof.length > 1) out.push(['inserted element', { ...c, proof: [proof[0]!, SOME_HASH, ...proof.slice(1)] }]);
  if (proof.length > 1) out.push(['swapped elements', { ...c, proof: [proof[1]!, proof[0]!, ...proof.slice(2)] }]);
  return out;
}

function corruptConsistency(c: Consistency): Array<[string, Consistency]> {
  const { oldSize, newSize, oldRoot, newRoot, proof } = c;
  const out: Array<[string, Consistency]> = [
    ['oldSize - 1', { ...c, oldSize: oldSize - 1 }],
    ['oldSize + 1', { ...c, oldSize: oldSize + 1 }],
    ['oldSize ^ 2', { ...c, oldSize: oldSize ^ 2 }],
    ['newSize * 2', { ...c, newSize: newSize * 2 }],
    ['newSize / 2', { ...c, newSize: Math.floor(newSize / 2) }],
    ['wrong old root', { ...c, oldRoot: SOME_HASH }],
    ['wrong new root', { ...c, newRoot: SOME_HASH }],
    ['flipped old root bit', { ...c, oldRoot: flipBit(oldRoot) }],
    ['flipped new root bit', { ...c, newRoot: flipBit(newRoot) }],
    ['swapped roots', { ...c, oldRoot: newRoot, newRoot: oldRoot }],
    ['empty proof', { ...c, proof: [] }],
    ['trailing old root', { ...c, proof: [...proof, oldRoot] }],
    ['trailing new root', { ...c, proof: [...proof, newRoot] }],
    ['preceding old root', { ...c, proof: [oldRoot, ...proof] }],
    ['preceding new root', { ...c, proof: [newRoot, ...proof] }],
    ['preceding proof[0]', { ...c, proof: [proof[0]!, ...proof] }],
    ['truncated proof', { ...c, proof: proof.slice(0, -1) }],
  ];
  proof.forEach((_, i) => {
    const wrong = [...proof];
    wrong[i] = flipBit(proof[i]!, 4);
    out.push([`flipped bit in proof[${i}]`, { ...c, proof: wrong }]);
  });
  return out;
}

// Distinct leaves, so that no mutation (an index moved, two path elements swapped) can land on
// an identical leaf or sibling and legitimately still verify.
const distinctLeaves = (minLength: number) =>
  fc.uniqueArray(fc.uint8Array({ maxLength: 4 }), { minLength, maxLength: 80, selector: (u) => toHex(u) });

const TREE = buildMerkleTree(CT_LEAVES.map(merkleLeafHash));
const treeOf = (size: number) => buildMerkleTree(CT_LEAVES.slice(0, size).map(merkleLeafHash));

describe('inclusion proofs (RFC 6962 section 2.1.1)', () => {
  it.each(CT_INCLUSION)(
    'given leaf $index of a tree of $size, then the audit path is the published one and verifies',
    ({ index, size, path }) => {
      const leaves = CT_LEAVES.slice(0, size);
      expect(right(inclusionProof(leaves, index)).map(toHex)).toEqual(path);
      expect(right(inclusionProofFromTree(treeOf(size), index)).map(toHex)).toEqual(path);
      const claim = { index, treeSize: size, proof: path.map(hex), root: hex(CT_ROOTS[size]!) };
      expect(verifyInclusion({ ...claim, leaf: leaves[index]! })).toBe(true);
      expect(verifyInclusion({ ...claim, leafHash: merkleLeafHash(leaves[index]!) })).toBe(true);
    },
  );

  it.each(CT_INCLUSION.filter((v) => v.path.length > 0))(
    'given leaf $index of $size, then every corruption of the proof fails',
    ({ index, size, path }) => {
      const valid = {
        index,
        treeSize: size,
        leafHash: merkleLeafHash(CT_LEAVES[index]!),
        proof: path.map(hex),
        root: hex(CT_ROOTS[size]!),
      };
      for (const [name, claim] of corruptInclusion(valid)) expect([name, verifyInclusion(claim)]).toEqual([name, false]);
    },
  );

  it('given an inner node offered as a leaf, then it fails whether offered as leaf data or as a leaf hash', () => {
    // Node (height 1, index 0) covers leaves 0 and 1; its children concatenated are 64 bytes of "leaf data".
    const inner = nodeAt(TREE, 1, 0);
    const children = Uint8Array.from([...nodeAt(TREE, 0, 0), ...nodeAt(TREE, 0, 1)]);
    const upper = right(inclusionProofFromTree(TREE, 0)).slice(1); // the path above that node
    for (const index of [0, 1]) expect(verifyInclusion({ index, treeSize: 8, leafHash: inner, proof: upper, root: TREE.root })).toBe(false);
    expect(verifyInclusion({ index: 0, treeSize: 8, leaf: children, proof: upper, root: TREE.root })).toBe(false);
    // ...while the same node does verify as the root of the tree of size 2, so the check is not vacuous.
    expect(toHex(inner)).toBe(CT_ROOTS[2]);
  });

  it('given an index outside the tree, then no proof is produced and no claim verifies', () => {
    expect(E.isLeft(inclusionProofFromTree(TREE, 8))).toBe(true);
    expect(E.isLeft(inclusionProofFromTree(TREE, -1))).toBe(true);
    expect(E.isLeft(inclusionProof([], 0))).toBe(true);
    expect(verifyInclusion({ index: 0, treeSize: 0, leafHash: SOME_HASH, proof: [], root: EMPTY_TREE_ROOT })).toBe(false);
    expect(verifyInclusion({ index: 1, treeSize: 1, leafHash: SOME_HASH, proof: [], root: SOME_HASH })).toBe(false);
    expect(verifyInclusion({ index: 0, treeSize: 1, leafHash: SOME_HASH, proof: [], root: SOME_HASH })).toBe(true);
  });

  it('property: every inclusion proof of a random tree verifies, and every corruption of it fails', () => {
    fc.assert(
      fc.property(distinctLeaves(1), fc.nat(), (leaves, at) => {
        const tree = buildMerkleTree(packedLeafHashesOf(leaves));
        const index = at % leaves.length;
        const valid = {
          index,
          treeSize: leaves.length,
          leafHash: nodeAt(tree, 0, index),
          proof: right(inclusionProofFromTree(tree, index)),
          root: tree.root,
        };
        expect(verifyInclusion(valid)).toBe(true);
        for (const [name, claim] of corruptInclusion(valid)) {
          expect([name, verifyInclusion(claim)]).toEqual([name, false]);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('consistency proofs (RFC 6962 section 2.1.2)', () => {
  it.each(CT_CONSISTENCY)(
    'given sizes $oldSize -> $newSize, then the proof is the published one and verifies',
    ({ oldSize, newSize, path }) => {
      expect(right(consistencyProof(CT_LEAVES.slice(0, newSize), oldSize)).map(toHex)).toEqual(path);
      expect(right(consistencyProofFromTree(treeOf(newSize), oldSize)).map(toHex)).toEqual(path);
      const claim = { oldSize, newSize, oldRoot: hex(CT_ROOTS[oldSize]!), newRoot: hex(CT_ROOTS[newSize]!), proof: path.map(hex) };
      expect(verifyConsistency(claim)).toBe(true);
    },
  );

  it.each(CT_CONSISTENCY.filter((v) => v.path.length > 0))(
    'given $oldSize -> $newSize, then every corruption of the proof fails',
    ({ oldSize, newSize, path }) => {
      const valid = { oldSize, newSize, oldRoot: hex(CT_ROOTS[oldSize]!), newRoot: hex(CT_ROOTS[newSize]!), proof: path.map(hex) };
      for (const [name, claim] of corruptConsistency(valid)) expect([name, verifyConsistency(claim)]).toEqual([name, false]);
    },
  );

  it('given the edge sizes, then only the honest empty and equal-size claims verify', () => {
    const r1 = hex(CT_ROOTS[1]!);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: EMPTY_TREE_ROOT, newRoot: r1, proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 0, newSize: 5, oldRoot: SOME_HASH, newRoot: r1, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 0, newSize: 1, oldRoot: EMPTY_TREE_ROOT, newRoot: r1, proof: [EMPTY_TREE_ROOT] })).toBe(false);
    expect(verifyConsistency({ oldSize: 1, newSize: 1, oldRoot: r1, newRoot: r1, proof: [] })).toBe(true);
    expect(verifyConsistency({ oldSize: 1, newSize: 1, oldRoot: r1, newRoot: SOME_HASH, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 1, newSize: 1, oldRoot: r1, newRoot: r1, proof: [r1] })).toBe(false);
    expect(verifyConsistency({ oldSize: 2, newSize: 1, oldRoot: r1, newRoot: r1, proof: [] })).toBe(false);
    expect(verifyConsistency({ oldSize: 1, newSize: 2, oldRoot: r1, newRoot: hex(CT_ROOTS[2]!), proof: [] })).toBe(false);
    expect(E.isLeft(consistencyProofFromTree(TREE, 9))).toBe(true);
    expect(right(consistencyProofFromTree(TREE, 0))).toEqual([]);
  });

  it('property: every consistency proof between prefixes of a random tree verifies, and every corruption fails', () => {
    fc.assert(
      fc.property(distinctLeaves(2), fc.nat(), (leaves, at) => {
        const tree = buildMerkleTree(packedLeafHashesOf(leaves));
        const oldSize = 1 + (at % (leaves.length - 1)); // 1 .. n-1
        const valid = {
          oldSize,
          newSize: leaves.length,
          oldRoot: merkleRoot(leaves.slice(0, oldSize)),
          newRoot: tree.root,
          proof: right(consistencyProofFromTree(tree, oldSize)),
        };
        expect(verifyConsistency(valid)).toBe(true);
        for (const [name, claim] of corruptConsistency(valid)) {
          // Changing a size keeps a claim true only if the roots happen to be those of the other sizes too.
          if (
            name.includes('Size') &&
            claim.oldSize >= 0 &&
            claim.oldSize <= claim.newSize &&
            claim.newSize === leaves.length &&
            toHex(merkleRoot(leaves.slice(0, claim.oldSize))) === toHex(claim.oldRoot)
          )
            continue;
          expect([name, verifyConsistency(claim)]).toEqual([name, false]);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('InclusionProof (compact, offline)', () => {
  it('given a proof serialised to JSON and read back, then it verifies offline against the published root', () => {
    const proof = right(inclusionProofFor(TREE, 5));
    const parsed = right(decodeInclusionProof(JSON.parse(JSON.stringify(proof))));
    expect(parsed).toEqual(proof);
    expect(verifyInclusionProof(parsed, toHex(TREE.root) as InclusionProof['root'])).toBe(true);
    expect(verifyInclusionProof(parsed)).toBe(true);
  });

  it('given a proof whose own root is not the trusted root, then it fails even though it is self-consistent', () => {
    const small = right(inclusionProofFor(treeOf(3), 0));
    expect(verifyInclusionProof(small)).toBe(true);
    expect(verifyInclusionProof(small, toHex(TREE.root) as InclusionProof['root'])).toBe(false);
  });

  it('given tampered fields, then decoding names the field or verification fails', () => {
    const proof = right(inclusionProofFor(TREE, 2));
    expect(decodeInclusionProof({ ...proof, leafHash: proof.leafHash.toUpperCase() })).toEqual(
      E.left(expect.objectContaining({ reason: expect.stringContaining('leafHash') })),
    );
    expect(decodeInclusionProof({ ...proof, auditPath: [...proof.auditPath, 'zz'] })).toEqual(
      E.left(expect.objectContaining({ reason: expect.stringContaining('auditPath[3]') })),
    );
    expect(decodeInclusionProof({ ...proof, treeSize: -1 })).toEqual(
      E.left(expect.objectContaining({ reason: expect.stringContaining('treeSize') })),
    );
    expect(decodeInclusionProof(null)).toEqual(E.left(expect.anything()));
    expect(verifyInclusionProof({ ...proof, leafIndex: 3 })).toBe(false);
    expect(verifyInclusionProof({ ...proof, treeSize: 16 })).toBe(false);
    expect(verifyInclusionProof({ ...proof, auditPath: proof.auditPath.slice(1) })).toBe(false);
    expect(verifyInclusionProof({ ...proof, treeSize: 1.5 })).toBe(false);
  });
});
