import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  EMPTY_TREE_ROOT,
  buildMerkleTree,
  merkleLeafHash,
  merkleRoot,
  merkleRootOfLeafHashes,
  nodeAt,
  packLeafHashes,
  packedLeafHashesOf,
} from './merkle.js';
import { toHex } from './hex.js';
import { CT_LEAVES, CT_ROOTS, hex } from './__tests__/merkle-vectors.js';

const H = (...parts: Uint8Array[]): Uint8Array => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 section 2.1 MTH, written as the recursive definition (the reference the fast build is held to). */
function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return H();
  if (leaves.length === 1) return H(Uint8Array.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return H(Uint8Array.of(1), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('merkleRoot (RFC 6962 section 2.1)', () => {
  it.each(CT_ROOTS.map((root, size) => [size, root] as const))('given the first %i test leaves, then the root is %s', (size, root) => {
    const leaves = CT_LEAVES.slice(0, size);
    expect(toHex(merkleRoot(leaves))).toBe(root);
    expect(toHex(merkleRootOfLeafHashes(leaves.map(merkleLeafHash)))).toBe(root);
    expect(toHex(merkleRootOfLeafHashes(packedLeafHashesOf(leaves)))).toBe(root);
    expect(toHex(buildMerkleTree(leaves.map(merkleLeafHash)).root)).toBe(root);
  });

  it('given no leaves, then the root is SHA-256 of the empty string', () => {
    expect(toHex(EMPTY_TREE_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(merkleRoot([]))).toBe(toHex(EMPTY_TREE_ROOT));
  });

  it('given the 8-leaf tree, then every inner node matches the published node hashes', () => {
    const tree = buildMerkleTree(CT_LEAVES.map(merkleLeafHash));
    expect(toHex(nodeAt(tree, 1, 1))).toBe('5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e');
    expect(toHex(nodeAt(tree, 1, 3))).toBe('ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0');
    expect(toHex(nodeAt(tree, 2, 1))).toBe('6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4');
  });

  it('given a leaf that is the concatenation of two hashes, then it does not collide with their parent (0x00/0x01 domain separation)', () => {
    const [a, b] = [merkleLeafHash(hex('00')), merkleLeafHash(hex('01'))];
    expect(toHex(merkleRoot([a, b].map((x) => x)))).not.toBe(toHex(merkleRoot([Uint8Array.from([...a, ...b])])));
    expect(toHex(merkleRootOfLeafHashes([a, b]))).toBe(toHex(H(Uint8Array.of(1), a, b)));
  });

  it('given packed input, then it is left unmodified', () => {
    const packed = packLeafHashes(CT_LEAVES.map(merkleLeafHash));
    const before = toHex(packed);
    merkleRootOfLeafHashes(packed);
    expect(toHex(packed)).toBe(before);
  });

  it('given a leaf hash of the wrong length, then it is refused as a programming error', () => {
    expect(() => merkleRootOfLeafHashes([new Uint8Array(31)])).toThrow(RangeError);
    expect(() => merkleRootOfLeafHashes(new Uint8Array(33))).toThrow(RangeError);
  });

  it('property: the level-by-level build equals the recursive RFC 6962 definition for every size', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 70 }), (leaves) => {
        const expected = toHex(referenceRoot(leaves));
        expect(toHex(merkleRoot(leaves))).toBe(expected);
        expect(toHex(buildMerkleTree(packedLeafHashesOf(leaves)).root)).toBe(expected);
      }),
    );
  });

  it('property: any change to one leaf changes the root', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 40 }), fc.nat(), (leaves, at) => {
        const i = at % leaves.length;
        const changed = [...leaves];
        changed[i] = Uint8Array.of(...leaves[i]!, 0);
        expect(toHex(merkleRoot(changed))).not.toBe(toHex(merkleRoot(leaves)));
      }),
    );
  });

  it('given a one-leaf tree built from a packed hash, then proofs-free root equals the leaf hash', () => {
    const leafHash = merkleLeafHash(hex('abcd'));
    expect(E.right(toHex(merkleRootOfLeafHashes([leafHash])))).toEqual(E.right(toHex(leafHash)));
  });
});
