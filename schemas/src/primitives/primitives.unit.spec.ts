import { describe, expect, it } from '@jest/globals';
import type * as t from 'io-ts';
import { CfId, ContributorId, EventId, PublicKeyHex, Sha256Hex, SignatureHex, VersionId } from './hex.js';
import { JsonObject, JsonValue } from './json-value.js';
import { NonNegativeInt, PositiveInt, Probability } from './numbers.js';
import { SpdxExpression, SpdxLicenseId } from './spdx.js';
import { DatasetName, IsoTimestamp, MediaType, NonEmptyString, RunId } from './text.js';

const cases: ReadonlyArray<[string, t.Any, readonly unknown[], readonly unknown[]]> = [
  ['Sha256Hex', Sha256Hex, ['0'.repeat(64), 'f'.repeat(64)], ['F'.repeat(64), '0'.repeat(63), '0'.repeat(65), 'g'.repeat(64), 1]],
  ['EventId', EventId, ['a'.repeat(64)], ['A'.repeat(64)]],
  ['CfId', CfId, ['a'.repeat(64)], ['a'.repeat(128)]],
  ['VersionId', VersionId, ['e'.repeat(64)], ['E'.repeat(64), 'e'.repeat(12)]],
  ['ContributorId', ContributorId, ['b'.repeat(64)], ['']],
  ['PublicKeyHex', PublicKeyHex, ['c'.repeat(64)], ['c'.repeat(128)]],
  ['SignatureHex', SignatureHex, ['d'.repeat(128)], ['d'.repeat(64), 'D'.repeat(128)]],
  ['NonEmptyString', NonEmptyString, ['a', ' a ', '😀'], ['', ' \n\t', '\uDC00x', 5]],
  ['DatasetName', DatasetName, ['cats', 'a', 'cats-v1.2_b', 'a'.repeat(64)], ['Cats', '-cats', 'cats-', 'a'.repeat(65), 'ca ts', '']],
  ['RunId', RunId, ['Run_42', '3f2a-9c1'], ['a/b', '.x', '']],
  [
    'MediaType',
    MediaType,
    ['text/plain', 'application/vnd.api+json', 'image/svg+xml'],
    ['text', 'Text/Plain', 'text/plain; charset=utf-8', '/plain'],
  ],
  [
    'IsoTimestamp',
    IsoTimestamp,
    ['2024-02-29T23:59:59Z', '2024-05-01T12:00:00.123456Z'],
    ['2023-02-29T00:00:00Z', '2024-05-01T12:00:00+02:00', '2024-05-01 12:00:00Z', '2024-05-01T24:00:00Z'],
  ],
  [
    'SpdxExpression',
    SpdxExpression,
    ['MIT', 'MIT OR Apache-2.0', '(MIT AND BSD-3-Clause) OR GPL-2.0-or-later', 'LicenseRef-x'],
    ['MIT or whatever', 'mit', '', ' MIT'],
  ],
  ['SpdxLicenseId', SpdxLicenseId, ['MIT', 'GPL-2.0-only WITH Classpath-exception-2.0'], ['MIT OR Apache-2.0', 'MIT AND BSD-3-Clause']],
  ['NonNegativeInt', NonNegativeInt, [0, 1, Number.MAX_SAFE_INTEGER], [-1, 0.5, 2 ** 53, Number.NaN, '1']],
  ['PositiveInt', PositiveInt, [1, 42], [0, -3, 1.1]],
  ['Probability', Probability, [0, 0.5, 1], [-0.1, 1.0001, Number.NaN, Number.POSITIVE_INFINITY]],
  [
    'JsonValue',
    JsonValue,
    [null, true, 1.5, 'x', [1, [2]], { a: { b: [] } }],
    [undefined, Number.NaN, 2 ** 60, new Date(0), new Map(), { a: () => 1 }, 'x\uD800', 1n],
  ],
  ['JsonObject', JsonObject, [{}, { a: 1 }], [[], null, 'x', { a: undefined }]],
];

describe('primitive codecs', () => {
  it.each(cases)('given %s, then it accepts the valid values and rejects each invalid one', (_name, codec, valid, invalid) => {
    for (const v of valid) expect([v, codec.is(v)]).toEqual([v, true]);
    for (const v of invalid) expect([v, codec.is(v)]).toEqual([v, false]);
  });

  it('given a deeply nested value, then JsonValue refuses it instead of recursing without end', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(JsonValue.is(deep)).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(JsonValue.is(cyclic)).toBe(false);
  });
});
