import { describe, it, expect } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { parseSpdxExpression, spdxLicenseIds, spdxSatisfiedBy } from './spdx.js';

describe('SPDX expressions', () => {
  it('given a compound expression, when parsed, then the tree and its license ids come back', () => {
    const parsed = parseSpdxExpression('(MIT OR Apache-2.0) AND CC-BY-4.0');
    expect(E.isRight(parsed)).toBe(true);
    if (E.isRight(parsed)) expect(spdxLicenseIds(parsed.right)).toEqual(['Apache-2.0', 'CC-BY-4.0', 'MIT']);
  });

  it('given prose instead of an expression, when parsed, then the error says why', () => {
    const parsed = parseSpdxExpression('MIT or whatever');
    expect(parsed).toEqual(E.left(expect.objectContaining({ _tag: 'InvalidSpdxExpression', expression: 'MIT or whatever' })));
  });

  it.each([
    ['MIT OR GPL-3.0-only', ['MIT'], true],
    ['MIT AND GPL-3.0-only', ['MIT'], false],
    ['MIT AND GPL-3.0-only', ['MIT', 'GPL-3.0-only'], true],
    ['LicenseRef-acme-internal', ['LicenseRef-acme-internal'], true],
    ['LicenseRef-acme-internal OR CC0-1.0', ['MIT'], false],
    ['CC-BY-4.0', [], false],
  ] as const)('%s is satisfied by %j: %s', (expression, allowed, expected) => {
    expect(spdxSatisfiedBy(expression, allowed)).toEqual(E.right(expected));
  });
});
