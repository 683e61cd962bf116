import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { canonicalize, canonicalBytes, type JsonValue } from './canonical-json.js';
import { parseStrictJson } from './strict-json-parser.js';
import { jsonValue } from './__tests__/arbitraries.js';

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};

// RFC 8785 section 3.2.2, typed in from the RFC text.
const RFC8785_SAMPLE_INPUT = String.raw`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`;
const RFC8785_SAMPLE_OUTPUT = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;

// RFC 8785 Appendix B: IEEE 754 bit patterns and their required serialisation.
const APPENDIX_B: ReadonlyArray<readonly [string, string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];
// Appendix B rows that print as plain integer digits past 2^53: RFC 8785 serialises them, Cairn
// refuses them (I-JSON, RFC 7493 section 2.2) because an integer parser reads another value.
const APPENDIX_B_BEYOND_2_53: ReadonlyArray<readonly [string, string]> = [
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
];

const fromBits = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonicalize (RFC 8785)', () => {
  it('given the RFC 8785 section 3.2.2 sample, when parsed and canonicalised, then it matches the RFC output byte for byte', () => {
    const value = right(parseStrictJson(RFC8785_SAMPLE_INPUT));
    expect(right(canonicalize(value))).toBe(RFC8785_SAMPLE_OUTPUT);
    expect(Buffer.from(right(canonicalBytes(value))).toString('utf8')).toBe(RFC8785_SAMPLE_OUTPUT);
  });

  it.each(APPENDIX_B)('given the double with bits %s, then it serialises as %s (Appendix B)', (bits, expected) => {
    expect(right(canonicalize(fromBits(bits)))).toBe(expected);
    expect(right(canonicalize([fromBits(bits)]))).toBe(`[${expected}]`);
  });

  it.each(APPENDIX_B_BEYOND_2_53)('given the integer %s (= %s) beyond 2^53, then it is refused with a reason', (bits) => {
    const result = canonicalize({ n: fromBits(bits) });
    expect(result).toEqual(E.left(expect.objectContaining({ _tag: 'CanonicalJsonError', path: '$.n' })));
  });

  it('given NaN or Infinity (Appendix B 7fffffffffffffff, 7ff0000000000000), then they are refused', () => {
    expect(E.isLeft(canonicalize(fromBits('7fffffffffffffff')))).toBe(true);
    expect(E.isLeft(canonicalize(fromBits('7ff0000000000000')))).toBe(true);
  });

  it('given the section 3.2.3 sorting example, then keys come out in UTF-16 code unit order', () => {
    const input = String.raw`{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}`;
    expect(right(canonicalize(right(parseStrictJson(input))))).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('given a value with a lone surrogate, an undefined member or a class instance, then the error names the path', () => {
    expect(canonicalize({ a: ['\ud800'] })).toEqual(
      E.left({ _tag: 'CanonicalJsonError', path: '$.a[0]', reason: 'string contains a lone surrogate' }),
    );
    expect(canonicalize({ 'x y': undefined })).toEqual(E.left(expect.objectContaining({ path: '$["x y"]' })));
    expect(canonicalize({ d: new Date(0) })).toEqual(E.left(expect.objectContaining({ path: '$.d' })));
  });

  it('property: given any value with one value that has no canonical form planted anywhere in it, then canonicalize refuses and names where it was planted', () => {
    const refused = fc.constantFrom<unknown>(undefined, Number.NaN, Infinity, 2 ** 60, '\ud800', new Date(0), () => 1, 10n);
    fc.assert(
      fc.property(jsonValue, fc.array(fc.nat(), { maxLength: 4 }), refused, (v, route, bad) => {
        const { planted, path } = plant(v, route, bad);
        const result = canonicalize(planted);
        expect(E.isLeft(result) && result.left.path).toBe(path);
      }),
    );
  });

  it('property: canonicalize ∘ parse ∘ canonicalize is a fixed point', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const once = right(canonicalize(v));
        expect(right(canonicalize(right(parseStrictJson(once))))).toBe(once);
      }),
    );
  });

  it('property: the key order of the input never changes the output', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer(), (v, seed) => {
        expect(right(canonicalize(shuffleKeys(v, seed)))).toBe(right(canonicalize(v)));
      }),
    );
  });

  it('property: parse(canonicalize(v)) deep-equals v', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        expect(right(parseStrictJson(right(canonicalize(v))))).toEqual(v);
      }),
    );
  });

  it('property: the canonical text is what JSON.parse reads back to the same value', () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        expect(JSON.parse(right(canonicalize(v)))).toEqual(v);
      }),
    );
  });
});

/** Rebuilds every object with its keys inserted in a seeded pseudo-random order. */
function shuffleKeys(v: JsonValue, seed: number): JsonValue {
  if (Array.isArray(v)) return v.map((x: JsonValue, i: number) => shuffleKeys(x, seed + i));
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v);
  let s = seed | 0;
  for (let i = entries.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    const j = Math.abs(s) % (i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  const out: { [k: string]: JsonValue } = {};
  for (const [k, x] of entries)
    Object.defineProperty(out, k, { value: shuffleKeys(x, s), enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * Replaces the value reached by following `route` (indexes into arrays, or into an object's keys
 * in canonical order; a scalar ends the walk) with `bad`, and says the path canonicalize should name.
 */
function plant(v: JsonValue, route: readonly number[], bad: unknown, path = '$'): { planted: unknown; path: string } {
  if (route.length === 0 || v === null || typeof v !== 'object') return { planted: bad, path };
  const [step, ...rest] = route as [number, ...number[]];
  if (Array.isArray(v)) {
    if (v.length === 0) return { planted: bad, path };
    const i = step % v.length;
    const inner = plant(v[i]!, rest, bad, `${path}[${i}]`);
    return { planted: v.map((x: JsonValue, j: number) => (j === i ? inner.planted : x)), path: inner.path };
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0) return { planted: bad, path };
  const key = keys[step % keys.length]!;
  const inner = plant(
    (v as Record<string, JsonValue>)[key]!,
    rest,
    bad,
    /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
  );
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v))
    Object.defineProperty(out, k, {
      value: k === key ? inner.planted : (v as Record<string, JsonValue>)[k],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return { planted: out, path: inner.path };
}
