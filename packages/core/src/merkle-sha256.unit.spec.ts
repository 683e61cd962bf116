import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { leafHash32, nodeHash32 } from './merkle-sha256.js';

const nodeSha = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

describe('fixed-shape SHA-256 for Merkle leaves and nodes', () => {
  it('given any 32-byte value at any offset, then the leaf hash equals SHA-256(0x00 || value) by node:crypto and noble', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(40), (value, offset) => {
        const src = new Uint8Array(offset + 32);
        src.set(value, offset);
        const out = new Uint8Array(32 + offset);
        leafHash32(src, offset, out, offset);
        const input = Uint8Array.of(0x00, ...value);
        expect(out.subarray(offset)).toEqual(nodeSha(input));
        expect(out.subarray(offset)).toEqual(nobleSha256(input));
      }),
    );
  });

  it('given two children anywhere in a buffer, then the node hash equals SHA-256(0x01 || left || right)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 96, maxLength: 96 }), fc.nat(64), fc.nat(64), (buf, l, r) => {
        const out = new Uint8Array(32);
        nodeHash32(buf, l, r, out, 0);
        const input = Uint8Array.of(0x01, ...buf.subarray(l, l + 32), ...buf.subarray(r, r + 32));
        expect(out).toEqual(nodeSha(input));
        expect(out).toEqual(nobleSha256(input));
      }),
    );
  });

  it('given the output buffer is the input level, then hashing pair i into slot i reads before it writes', () => {
    const level = new Uint8Array(64).map((_, i) => i);
    const expected = nodeSha(Uint8Array.of(0x01, ...level));
    nodeHash32(level, 0, 32, level, 0);
    expect(level.subarray(0, 32)).toEqual(expected);
  });
});
