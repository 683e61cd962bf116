// Integers are safe integers: RFC 8785 serialises numbers as IEEE 754 doubles, so anything
// beyond 2^53 would not survive a round trip through canonical JSON.
import * as t from 'io-ts';
import { described } from '../describe.js';

export interface NonNegativeIntBrand {
  readonly NonNegativeInt: unique symbol;
}
export const NonNegativeInt = described(
  t.brand(t.number, (n): n is t.Branded<number, NonNegativeIntBrand> => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInt'),
  {
    expected: 'a non-negative integer',
    jsonSchema: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'An integer from 0 to 2^53 - 1.' },
    define: true,
  },
);
export type NonNegativeInt = t.TypeOf<typeof NonNegativeInt>;

export interface PositiveIntBrand {
  readonly PositiveInt: unique symbol;
}
export const PositiveInt = described(
  t.brand(t.number, (n): n is t.Branded<number, PositiveIntBrand> => Number.isSafeInteger(n) && n >= 1, 'PositiveInt'),
  {
    expected: 'a positive integer',
    jsonSchema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'An integer from 1 to 2^53 - 1.' },
    define: true,
  },
);
export type PositiveInt = t.TypeOf<typeof PositiveInt>;

export interface ProbabilityBrand {
  readonly Probability: unique symbol;
}
/** A number in [0, 1]: a validation score, an agreement threshold. */
export const Probability = described(
  t.brand(t.number, (n): n is t.Branded<number, ProbabilityBrand> => Number.isFinite(n) && n >= 0 && n <= 1, 'Probability'),
  {
    expected: 'a probability (a number from 0 to 1)',
    jsonSchema: { type: 'number', minimum: 0, maximum: 1, description: 'A number from 0 to 1 inclusive.' },
    define: true,
  },
);
export type Probability = t.TypeOf<typeof Probability>;
