import { describe, expect, it } from '@jest/globals';
import { EMPTY_FRONTIER, extendMerkleFrontier, merkleFrontierOf, merkleFrontierRoot } from './merkle-frontier.js';
import { merkleLeafHash, merkleRootOfLeafHashes } from './merkle.js';
import { toHex } from './hex.js';

const leaf = (i: number) => merkleLeafHash(new Uint8Array([i & 0xff, i >> 8]));

describe('MerkleFrontier', () => {
  it('given leaves appended one batch at a time, then every prefix root equals the RFC 6962 root of the same leaves', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leaf(i));
    let frontier = EMPTY_FRONTIER;
    for (let n = 0; n < leaves.length; n += 3) {
      frontier = extendMerkleFrontier(frontier, leaves.slice(n, n + 3));
      expect(frontier.size).toBe(Math.min(n + 3, leaves.length));
      expect(toHex(merkleFrontierRoot(frontier))).toBe(toHex(merkleRootOfLeafHashes(leaves.slice(0, frontier.size))));
    }
  });

  it('given the empty frontier, then its root is the empty tree root', () => {
    expect(toHex(merkleFrontierRoot(EMPTY_FRONTIER))).toBe(toHex(merkleRootOfLeafHashes([])));
  });

  it('given stored parts that do not fit the size, then they are refused', () => {
    const f = extendMerkleFrontier(EMPTY_FRONTIER, [leaf(1), leaf(2), leaf(3)]);
    expect(merkleFrontierOf(3, f.hashes)).not.toBeNull();
    expect(merkleFrontierOf(4, f.hashes)).toBeNull();
    expect(merkleFrontierOf(3, [f.hashes[0]!, new Uint8Array(31)])).toBeNull();
  });
});
