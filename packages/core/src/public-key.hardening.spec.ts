// Issue #13, item 9: a contributor key must be a canonical encoding of a prime-order point; the
// small-order points (and points with a small-order component) let signatures be forged or
// make strict and fast verifiers disagree.
import { describe, expect, it } from '@jest/globals';
import * as ed from '@noble/ed25519';
import { generateSigningKey, publicKeyOf, publicKeyRefusal } from './ed25519.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

// The 8 points of small order, canonically encoded (orders 1, 2, 4, 4, 8, 8, 8, 8).
const SMALL_ORDER = [
  `01${'00'.repeat(31)}`,
  `ec${'ff'.repeat(30)}7f`,
  '00'.repeat(32),
  `${'00'.repeat(31)}80`,
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];

describe('hardening: publicKeyRefusal', () => {
  it('given each of the 8 small-order points, when checked, then each is refused as small-order', () => {
    for (const key of SMALL_ORDER) expect(publicKeyRefusal(hex(key))).toContain('small-order point');
  });

  it('given non-canonical encodings (y = p + 1, and x = 0 with the sign bit set), when checked, then both are refused', () => {
    expect(publicKeyRefusal(hex(`ee${'ff'.repeat(30)}7f`))).toBeDefined();
    expect(publicKeyRefusal(hex(`01${'00'.repeat(30)}80`))).toBeDefined();
  });

  it('given an honest key plus a point of order 8, when checked, then it is refused as not in the prime-order subgroup', () => {
    const honest = ed.Point.fromBytes(publicKeyOf(generateSigningKey()));
    const mixed = honest.add(ed.Point.fromBytes(hex(SMALL_ORDER[4]!))).toBytes();
    expect(publicKeyRefusal(mixed)).toContain('prime-order subgroup');
  });

  it('given honest keys, when checked, then none is refused', () => {
    for (let i = 0; i < 16; i++) expect(publicKeyRefusal(publicKeyOf(generateSigningKey()))).toBeUndefined();
  });

  it('given 31 or 33 bytes, when checked, then the length is refused', () => {
    expect(publicKeyRefusal(new Uint8Array(31))).toContain('32 bytes');
    expect(publicKeyRefusal(new Uint8Array(33))).toContain('32 bytes');
  });
});
