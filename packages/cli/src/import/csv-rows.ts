// A CSV file as rows: a header of field names, then one row per record. Cells are strings, so
// `targets` is `;`-separated, `score` a number, `personalData` true / false, and `attributes` /
// `value` JSON read by the strict parser (a `value` that is not JSON stays a string).
import { parseStrictJson } from '@cairn/core';
import { parse as parseCsv } from 'csv-parse/sync';
import * as E from 'fp-ts/lib/Either.js';
import type { RawRow } from './raw-row.js';
import { decodeLossy, decodeStrict, splitLines, topField, withoutBom } from './text-lines.js';

/**
 * A row number, as opposed to a CF id: 64 hex characters are a CF id even when every one is a
 * decimal digit, so only short digit strings (well inside a safe integer) name rows.
 */
const ROW_NUMBER = /^\d{1,15}$/;

export function csvRows(fileBytes: Uint8Array): RawRow[] {
  const bytes = withoutBom(fileBytes);
  // Lines whose bytes are not UTF-8; the records spanning them are refused below.
  const badLines = new Set(
    splitLines(bytes)
      .filter((l) => decodeStrict(l.bytes) === undefined)
      .map((l) => l.line),
  );
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(decodeLossy(bytes), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as typeof records;
  } catch (cause) {
    const line = (cause as { lines?: number }).lines ?? 1;
    return [
      {
        row: 1,
        item: `line ${line}`,
        line,
        invalid: { field: '(file)', reason: `not valid CSV: ${cause instanceof Error ? cause.message : String(cause)}` },
      },
    ];
  }
  const rows: RawRow[] = [];
  let previousEnd = 1;
  for (const [i, { record, info }] of records.entries()) {
    const first = previousEnd + 1;
    previousEnd = info.lines;
    const at = { row: i + 1, item: `row ${i + 1}`, line: first };
    if ([...badLines].some((l) => l >= first && l <= info.lines) || Object.keys(record).some((k) => k.includes('\uFFFD'))) {
      const field = Object.entries(record).find(([k, v]) => k.includes('\uFFFD') || v.includes('\uFFFD'))?.[0];
      rows.push({ ...at, invalid: { field: field ?? '(row)', reason: 'not well-formed UTF-8' } });
      continue;
    }
    const fields = csvFields(record);
    rows.push({ ...at, ...('invalid' in fields ? fields : { fields: fields.fields }) });
  }
  return rows;
}

function csvFields(
  r: Record<string, string>,
): { readonly fields: Record<string, unknown> } | { readonly invalid: { readonly field: string; readonly reason: string } } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== '') out[k] = v;
  if (typeof out.targets === 'string')
    out.targets = out.targets
      .split(';')
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .map((t) => (ROW_NUMBER.test(t) ? Number(t) : t));
  for (const k of ['attributes', 'value']) {
    if (typeof out[k] !== 'string') continue;
    const parsed = parseStrictJson(out[k]);
    if (E.isRight(parsed)) out[k] = parsed.right;
    // A value that looks like JSON but is not (a duplicate key, nesting past the parser's limit)
    // is refused rather than kept as a string that was meant to be an object.
    else if (k === 'attributes' || /^\s*[[{]/.test(out[k])) {
      const inner = topField(parsed.left.path);
      return { invalid: { field: k, reason: `not valid JSON: ${parsed.left.reason}${inner !== undefined ? ` (in ${inner})` : ''}` } };
    }
  }
  if (typeof out.score === 'string') out.score = /^\s*-?[0-9.eE+-]+\s*$/.test(out.score) ? Number(out.score) : out.score;
  if (typeof out.personalData === 'string') {
    if (out.personalData === 'true' || out.personalData === 'false') out.personalData = out.personalData === 'true';
  }
  return { fields: out };
}
