// License fields go through core's SPDX parser (SPDX spec 2.3 Annex D): a pattern could not
// tell "MIT OR Apache-2.0" from "MIT or whatever".
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { parseSpdxExpression } from '@cairn/core';
import { described } from '../describe.js';

// A ledger names a handful of license expressions across all its samples, and every decode of a
// sample checks one (verify decodes every event of the log): each valid expression is parsed once.
// Only valid ones are kept, and only so many, so a flood of distinct strings cannot grow it.
const KNOWN_VALID = new Set<string>();
const KNOWN_VALID_MAX = 1024;

function isSpdxExpression(s: string): boolean {
  if (KNOWN_VALID.has(s)) return true;
  const valid = E.isRight(parseSpdxExpression(s));
  if (valid && KNOWN_VALID.size < KNOWN_VALID_MAX) KNOWN_VALID.add(s);
  return valid;
}

export interface SpdxExpressionBrand {
  readonly SpdxExpression: unique symbol;
}
/** An SPDX license expression, e.g. "MIT OR Apache-2.0". */
export const SpdxExpression = described(
  t.brand(t.string, (s): s is t.Branded<string, SpdxExpressionBrand> => isSpdxExpression(s), 'SpdxExpression'),
  {
    expected: 'an SPDX expression',
    jsonSchema: {
      type: 'string',
      minLength: 1,
      pattern: '^\\S(?:.*\\S)?$',
      description:
        'An SPDX license expression (SPDX 2.3 Annex D), e.g. "MIT OR Apache-2.0". JSON Schema only checks the outline; the codec parses it.',
    },
    define: true,
  },
);
export type SpdxExpression = t.TypeOf<typeof SpdxExpression>;

function isSingleLicense(s: string): boolean {
  const parsed = parseSpdxExpression(s);
  return E.isRight(parsed) && 'license' in parsed.right;
}

export interface SpdxLicenseIdBrand {
  readonly SpdxLicenseId: unique symbol;
}
/** One license of a policy's allow-list: an SPDX id (or LicenseRef-), optionally "WITH" an exception; no AND/OR. */
export const SpdxLicenseId = described(
  t.brand(t.string, (s): s is t.Branded<string, SpdxLicenseIdBrand> => isSingleLicense(s), 'SpdxLicenseId'),
  {
    expected: 'a single SPDX license id (e.g. "MIT", "Apache-2.0", "LicenseRef-internal"), without AND/OR',
    jsonSchema: {
      type: 'string',
      minLength: 1,
      pattern: '^\\S(?:.*\\S)?$',
      description: 'One SPDX license id or LicenseRef-, optionally followed by "WITH <exception>"; no AND/OR. The codec parses it.',
    },
    define: true,
  },
);
export type SpdxLicenseId = t.TypeOf<typeof SpdxLicenseId>;
