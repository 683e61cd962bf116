// fast-check generators shared by the unit specs (not exported from the package).
import fc from 'fast-check';
import type { JsonValue } from '../canonical-json.js';

/** A finite double that is not an integer past 2^53 and not -0 (which canonicalises to 0). */
export const canonicalNumber: fc.Arbitrary<number> = fc
  .oneof(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
  .filter((n) => !Object.is(n, -0) && !(Number.isInteger(n) && Math.abs(n) > Number.MAX_SAFE_INTEGER));

/** Well-formed UTF-16 strings, including astral characters and control characters. */
export const jsonString: fc.Arbitrary<string> = fc.string({ unit: 'binary', maxLength: 12 });

/** Any JSON value Cairn can canonicalise. */
export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    canonicalNumber,
    jsonString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(jsonString, tie('value'), { maxKeys: 5 }),
  ),
})).value;
