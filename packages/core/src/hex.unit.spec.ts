import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { fromHex, isHexOfLength, toHex } from './hex.js';

describe('hex', () => {
  it('given bytes, then toHex spells them lowercase, two digits per byte, short and long alike', () => {
    expect(toHex(Uint8Array.of(0, 1, 0xab, 0xff))).toBe('0001abff');
    expect(toHex(new Uint8Array(0))).toBe('');
    const long = Uint8Array.from({ length: 40 }, (_, i) => i * 7);
    expect(toHex(long)).toBe(Buffer.from(long).toString('hex'));
    // A view into a larger buffer spells only its own bytes.
    expect(toHex(new Uint8Array(long.buffer, 3, 20))).toBe(Buffer.from(long.subarray(3, 23)).toString('hex'));
  });

  it('given odd length, uppercase or non-hex characters, then fromHex refuses with a reason', () => {
    expect(fromHex('abc')).toEqual(E.left({ _tag: 'InvalidHex', reason: 'odd length 3' }));
    expect(fromHex('AB')).toEqual(E.left({ _tag: 'InvalidHex', reason: 'character "A" at 0 is not lowercase hex' }));
    expect(fromHex('0g')).toEqual(E.left(expect.objectContaining({ reason: expect.stringContaining('at 1') })));
    expect(E.isLeft(fromHex(' 0'))).toBe(true);
    expect(E.isLeft(fromHex('0x00'))).toBe(true);
  });

  it('given an expected byte length, then fromHex refuses any other length', () => {
    expect(fromHex('00'.repeat(32), 32)).toEqual(E.right(new Uint8Array(32)));
    expect(fromHex('00'.repeat(31), 32)).toEqual(E.left(expect.objectContaining({ reason: expect.stringContaining('expected 32 bytes') })));
  });

  it('given a string, then isHexOfLength accepts exactly lowercase hex of that many bytes', () => {
    expect(isHexOfLength('ab'.repeat(32), 32)).toBe(true);
    expect(isHexOfLength('AB'.repeat(32), 32)).toBe(false);
    expect(isHexOfLength('ab'.repeat(31), 32)).toBe(false);
    expect(isHexOfLength(42, 1)).toBe(false);
  });

  it('property: fromHex inverts toHex, and toHex agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
        expect(fromHex(hex)).toEqual(E.right(bytes));
      }),
    );
  });
});
