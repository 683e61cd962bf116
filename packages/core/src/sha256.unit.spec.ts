import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isSha256Hex, sha256, sha256Hex, sha256Portable } from './sha256.js';
import { toHex } from './hex.js';

describe('sha256', () => {
  it('given the FIPS 180-2 examples, then both implementations give the published digests', () => {
    const vectors: ReadonlyArray<readonly [string, string]> = [
      ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    ];
    for (const [text, digest] of vectors) {
      const bytes = new TextEncoder().encode(text);
      expect(toHex(sha256(bytes))).toBe(digest);
      expect(toHex(sha256Portable(bytes))).toBe(digest);
      expect(sha256Hex(bytes)).toBe(digest);
    }
  });

  it('property: node:crypto and @noble/hashes agree on every input, including block-boundary lengths', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 54, max: 130 }).map((n) => new Uint8Array(n).fill(n)),
        ),
        (bytes) => {
          expect(toHex(sha256(bytes))).toBe(toHex(sha256Portable(bytes)));
        },
      ),
    );
  });

  it('given candidate strings, then isSha256Hex accepts only 64 lowercase hex digits', () => {
    expect(isSha256Hex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(true);
    expect(isSha256Hex('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855')).toBe(false);
    expect(isSha256Hex('e3b0')).toBe(false);
    expect(isSha256Hex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85z')).toBe(false);
    expect(isSha256Hex(null)).toBe(false);
  });
});
