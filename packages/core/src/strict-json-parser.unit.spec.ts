import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { parseStrictJson, parseStrictJsonBytes } from './strict-json-parser.js';
import { jsonValue } from './__tests__/arbitraries.js';

const reasonOf = (text: string): string => {
  const r = parseStrictJson(text);
  if (E.isRight(r)) throw new Error(`expected ${text} to be refused`);
  return r.left.reason;
};

describe('parseStrictJson', () => {
  it('given well-formed JSON, then it reads the same value JSON.parse reads', () => {
    const text = '{ "a": [1, -2.5e3, true, false, null, "x\\ty"], "b": {"c": {}}, "d": [] }';
    expect(parseStrictJson(text)).toEqual(E.right(JSON.parse(text)));
  });

  it('given duplicate member names, then it refuses them and names the member', () => {
    expect(parseStrictJson('{"a":1,"a":2}')).toEqual(
      E.left(expect.objectContaining({ path: '$.a', reason: expect.stringContaining('duplicate') })),
    );
    // The same name spelled with an escape is the same name.
    expect(reasonOf('{"a":1,"\\u0061":2}')).toContain('duplicate');
    expect(parseStrictJson('{"x":{"k":1,"k":1}}')).toEqual(E.left(expect.objectContaining({ path: '$.x.k' })));
  });

  it('given numbers that are not finite doubles or integers beyond 2^53, then it refuses them', () => {
    expect(reasonOf('1e400')).toContain('non-finite');
    expect(reasonOf('-1e309')).toContain('non-finite');
    expect(parseStrictJson('1e21')).toEqual(E.right(1e21));
    expect(reasonOf('9007199254740992')).toContain('beyond 2^53');
    expect(reasonOf('[-9007199254740993]')).toContain('beyond 2^53');
    expect(reasonOf('1e20')).toContain('beyond 2^53');
    expect(parseStrictJson('9007199254740991')).toEqual(E.right(9007199254740991));
    expect(parseStrictJson('1.5e300')).toEqual(E.right(1.5e300));
    expect(parseStrictJson('1.5e-300')).toEqual(E.right(1.5e-300));
  });

  it('given NaN, Infinity or other non-JSON number spellings, then it refuses them', () => {
    for (const bad of ['NaN', 'Infinity', '-Infinity', '01', '1.', '.5', '+1', '1e', '0x10', '-', '1.e5'])
      expect(E.isLeft(parseStrictJson(bad))).toBe(true);
  });

  it('given lone surrogates, raw or escaped, then it refuses them', () => {
    expect(reasonOf('"\\ud800"')).toContain('lone surrogate');
    expect(reasonOf('"\\udc00x"')).toContain('lone surrogate');
    expect(reasonOf('"\\ud800\\u0041"')).toContain('lone surrogate');
    expect(reasonOf('"\ud800"')).toContain('lone surrogate');
    expect(reasonOf('{"\\udfff":1}')).toContain('lone surrogate');
    expect(parseStrictJson('"\\ud83d\\ude00"')).toEqual(E.right('\u{1f600}'));
  });

  it('given malformed text, then the reason says what and where', () => {
    expect(reasonOf('')).toContain('unexpected end of input');
    expect(reasonOf('{"a":1,}')).toContain('member name');
    expect(reasonOf('[1,]')).toMatch(/unexpected character/);
    expect(reasonOf('[1 2]')).toMatch(/expected ',' or '\]'.*offset 3/);
    expect(reasonOf('{"a" 1}')).toContain("expected ':'");
    expect(reasonOf('"a\nb"')).toContain('control character');
    expect(reasonOf('"\\x"')).toContain('invalid escape');
    expect(reasonOf('"\\u12g4"')).toContain('\\u escape');
    expect(reasonOf('tru')).toContain('literal');
    expect(reasonOf('{} {}')).toContain('after the JSON value');
    expect(reasonOf('\ufeff{}')).toContain('unexpected character');
    expect(reasonOf('"abc')).toContain('unterminated');
    expect(reasonOf('[\u00a0]')).toContain('unexpected character');
  });

  it('given nesting deeper than the limit, then it refuses instead of overflowing the stack', () => {
    expect(reasonOf('['.repeat(100_000) + ']'.repeat(100_000))).toContain('nesting deeper');
  });

  it('given a member named __proto__, then it is kept as data and the prototype is untouched', () => {
    const v = parseStrictJson('{"__proto__":{"polluted":true}}');
    expect(E.isRight(v)).toBe(true);
    const obj = (v as E.Right<Record<string, unknown>>).right;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.keys(obj)).toEqual(['__proto__']);
    expect((obj as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('given bytes that are not well-formed UTF-8, then parseStrictJsonBytes refuses them', () => {
    expect(E.isLeft(parseStrictJsonBytes(Uint8Array.of(0x22, 0xc3, 0x28, 0x22)))).toBe(true);
    expect(E.isLeft(parseStrictJsonBytes(Uint8Array.of(0x22, 0xed, 0xa0, 0x80, 0x22)))).toBe(true); // CESU surrogate
    expect(parseStrictJsonBytes(new TextEncoder().encode('{"é":[1]}'))).toEqual(E.right({ é: [1] }));
  });

  it('property: every JSON.stringify of a canonicalisable value parses to an equal value', () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(undefined, 2), (v, indent) => {
        expect(parseStrictJson(JSON.stringify(v, null, indent))).toEqual(E.right(v));
      }),
    );
  });
});
