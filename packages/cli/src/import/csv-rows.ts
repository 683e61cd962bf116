// A CSV file as rows: a header of field names, then one row per record. Cells are strings, so
// `targets` is `;`-separated, `score` a number, `personalData` true / false, and `attributes` /
// `value` JSON read by the strict parser (a `value` that is not JSON stays a string).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseStrictJson } from '@cairn/core';
import { CsvError, parse as parseCsv } from 'csv-parse';
import * as E from 'fp-ts/lib/Either.js';
import type { InvalidRow } from './items.js';
import type { RawRow } from './raw-row.js';
import { decodeStrict, streamLines, topField, withoutBom } from './text-lines.js';

/**
 * A row number, as opposed to a CF id: 64 hex characters are a CF id even when every one is a
 * decimal digit, so only short digit strings (well inside a safe integer) name rows.
 */
const ROW_NUMBER = /^\d{1,15}$/;
const BOM = [0xef, 0xbb, 0xbf];

/** A CSV file that cannot be parsed at all: the one row that says why stands for the whole file. */
export class UnreadableCsv extends Error {
  constructor(readonly invalid: InvalidRow) {
    super('not valid CSV');
  }
}

/**
 * The rows of a CSV file, read in pieces (`open` reads it from the start; it is read twice, once
 * for the lines that are not UTF-8). Throws UnreadableCsv, after the rows before the fault, when
 * the file is not CSV.
 */
export async function* csvRows(open: () => AsyncIterable<Uint8Array>): AsyncGenerator<RawRow> {
  // Lines whose bytes are not UTF-8; the records spanning them are refused below.
  const badLines = new Set<number>();
  for await (const l of streamLines(open())) if (decodeStrict(l.bytes) === undefined) badLines.add(l.line);
  const parser = parseCsv({ columns: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true });
  const feeding = pipeline(Readable.from(lossyText(open())), parser);
  // A fault is the parser's to report, through the records it yields.
  feeding.catch(() => undefined);
  let i = 0;
  let previousEnd = 1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      i += 1;
      const first = previousEnd + 1;
      previousEnd = info.lines;
      const at = { row: i, item: `row ${i}`, line: first };
      if ([...badLines].some((l) => l >= first && l <= info.lines) || Object.keys(record).some((k) => k.includes('\uFFFD'))) {
        const field = Object.entries(record).find(([k, v]) => k.includes('\uFFFD') || v.includes('\uFFFD'))?.[0];
        yield { ...at, invalid: { field: field ?? '(row)', reason: 'not well-formed UTF-8' } };
        continue;
      }
      const fields = csvFields(record);
      yield { ...at, ...('invalid' in fields ? fields : { fields: fields.fields }) };
    }
    await feeding;
  } catch (cause) {
    if (!(cause instanceof CsvError)) throw cause;
    const line = (cause as { lines?: number }).lines ?? 1;
    throw new UnreadableCsv({ item: `line ${line}`, line, field: '(file)', reason: `not valid CSV: ${cause.message}` });
  }
}

/** The file's text, bytes that are not UTF-8 as U+FFFD (the lines holding them are known apart). */
async function* lossyText(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  // The file's first bytes, until they are enough to tell a leading byte order mark (not part of the header).
  let head: Uint8Array | undefined = new Uint8Array(0);
  for await (const piece of pieces) {
    if (head === undefined) {
      yield decoder.decode(piece, { stream: true });
      continue;
    }
    const start: Uint8Array = Buffer.concat([head, piece]);
    if (start.length < BOM.length && BOM.slice(0, start.length).every((b, k) => start[k] === b)) head = start;
    else {
      yield decoder.decode(withoutBom(start), { stream: true });
      head = undefined;
    }
  }
  if (head !== undefined) yield decoder.decode(head, { stream: true });
  yield decoder.decode();
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
