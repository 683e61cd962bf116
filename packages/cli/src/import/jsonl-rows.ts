// A JSONL file as rows: one JSON object per non-blank line, parsed by the strict parser of
// @cairn/core (duplicate member names, lone surrogates, numbers without an exact reading and
// nesting past its limit are refused, where JSON.parse would keep the last duplicate or read on).
import { parseStrictJson } from '@cairn/core';
import * as E from 'fp-ts/lib/Either.js';
import type { RawRow } from './raw-row.js';
import { decodeStrict, fieldHoldingBadUtf8, streamLines, topField } from './text-lines.js';

/** The rows of a JSONL file read in pieces, one at a time. */
export async function* jsonlRows(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<RawRow> {
  let row = 0;
  for await (const { line, bytes: lineBytes } of streamLines(pieces)) {
    const text = decodeStrict(lineBytes);
    if (text !== undefined && text.trim() === '') continue;
    row += 1;
    const at = { row, item: `line ${line}`, line };
    if (text === undefined) {
      yield { ...at, invalid: { field: fieldHoldingBadUtf8(lineBytes) ?? '(row)', reason: 'not well-formed UTF-8' } };
      continue;
    }
    const parsed = parseStrictJson(text);
    if (E.isLeft(parsed))
      yield { ...at, invalid: { field: topField(parsed.left.path) ?? '(row)', reason: `not valid JSON: ${parsed.left.reason}` } };
    else if (typeof parsed.right !== 'object' || parsed.right === null || Array.isArray(parsed.right))
      yield { ...at, invalid: { field: '(row)', reason: 'not a JSON object' } };
    else yield { ...at, fields: parsed.right as Record<string, unknown> };
  }
}
