import { describe, expect, it } from '@jest/globals';
import { toHex } from './hex.js';
import { buildMerkleTree, EMPTY_TREE_ROOT, merkleLeafHash } from './merkle.js';
import { eventLeafHash, LeafHashes, logLeafHash } from './log-leaves.js';

const id = (i: number) => i.toString(16).padStart(64, '0');
const sig = (i: number) => i.toString(16).padStart(128, 'f');

describe('the log leaf (event id ‖ signature)', () => {
  it('is the RFC 6962 leaf hash of the 32 id bytes followed by the 64 signature bytes', () => {
    const data = Buffer.concat([Buffer.from(id(1), 'hex'), Buffer.from(sig(2), 'hex')]);
    expect(toHex(logLeafHash(id(1), sig(2))!)).toBe(toHex(merkleLeafHash(new Uint8Array(data))));
  });

  it('is null when the id or the signature is not hex of the right length', () => {
    expect(logLeafHash('abc', sig(1))).toBeNull();
    expect(logLeafHash(id(1), 'f'.repeat(126))).toBeNull();
  });

  it('of a stored event reads the signature from its envelope, and is null when there is none', () => {
    expect(eventLeafHash({ id: id(1), data: { signature: sig(2) } })).toEqual(logLeafHash(id(1), sig(2)));
    expect(eventLeafHash({ id: id(1), data: {} })).toBeNull();
    expect(eventLeafHash({ id: id(1), data: null })).toBeNull();
  });
});

describe('LeafHashes', () => {
  it('given more leaves than its first allocation, then the root over every prefix is the Merkle root of those leaves', () => {
    const leaves = new LeafHashes();
    const all = Array.from({ length: 1030 }, (_, i) => logLeafHash(id(i), sig(i))!);
    all.forEach((leaf, i) => leaves.push(leaf, { position: BigInt(i * 2), recordedAt: new Date(1000 + i) }));
    expect(leaves.size).toBe(1030);
    expect(leaves.rootOf(0)).toBe(toHex(EMPTY_TREE_ROOT));
    for (const size of [1, 7, 1024, 1025, 1030]) expect(leaves.rootOf(size)).toBe(toHex(buildMerkleTree(all.slice(0, size)).root));
    expect(leaves.eventAt(1029)).toEqual({ position: 2058n, time: 2029 });
    expect(leaves.leafAt(1025)).toEqual(all[1025]);
  });

  it('rootsAt answers the same roots as rootOf in one pass, leaving out sizes above the log', () => {
    const leaves = new LeafHashes();
    for (let i = 0; i < 20; i++) leaves.push(logLeafHash(id(i), sig(i))!);
    const roots = leaves.rootsAt([20, 3, 0, 3, 21, 11]);
    expect([...roots.keys()]).toEqual([0, 3, 11, 20]);
    for (const [size, root] of roots) expect(root).toBe(leaves.rootOf(size));
    expect(leaves.eventAt(0).position).toBe(-1n);
  });
});
