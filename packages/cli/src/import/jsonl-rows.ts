// A JSONL file as rows: one JSON object per non-blank line, parsed by the strict parser of
// @cairn/core (duplicate member names, lone surrogates, numbers without an exact reading and
// nesting past its limit are refused, where JSON.parse would keep the last duplicate or read on).
import { parseStrictJson } from '@cairn/core';
import * as E from 'fp-ts/lib/Either.js';
import type { RawRow } from './raw-row.js';
import { decodeStrict, fieldHoldingBadUtf8, splitLines, topField, withoutBom } from './text-lines.js';

export function jsonlRows(bytes: Uint8Array): RawRow[] {
  const rows: RawRow[] = [];
  for (const { line, bytes: lineBytes } of splitLines(withoutBom(bytes))) {
    const at = { row: rows.length + 1, item: `line ${line}`, line };
    const text = decodeStrict(lineBytes);
    if (text === undefined) {
      rows.push({ ...at, invalid: { field: fieldHoldingBadUtf8(lineBytes) ?? '(row)', reason: 'not well-formed UTF-8' } });
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = parseStrictJson(text);
    if (E.isLeft(parsed))
      rows.push({ ...at, invalid: { field: topField(parsed.left.path) ?? '(row)', reason: `not valid JSON: ${parsed.left.reason}` } });
    else if (typeof parsed.right !== 'object' || parsed.right === null || Array.isArray(parsed.right))
      rows.push({ ...at, invalid: { field: '(row)', reason: 'not a JSON object' } });
    else rows.push({ ...at, fields: parsed.right as Record<string, unknown> });
  }
  return rows;
}
