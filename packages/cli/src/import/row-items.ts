// Rows (JSONL or CSV) to items, every row checked before anything is appended: its fields, the
// file it names (inside the import folder only, see fence.ts), its targets within the file, and
// the payload it would become, decoded by the same codec the SDK decodes with (so limits such as
// how deep attributes may nest are the schema's, not a second copy).
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { isSpdxExpression, isSha256Hex } from '@cairn/core';
import { decodePayload, showValue } from '@cairn/schemas';
import { readInside, type Fence } from './fence.js';
import type { ImportDefaults, ImportItem, InvalidRow, TargetRef } from './items.js';
import { mediaTypeOf } from './media-type.js';
import type { RawRow, RawRowAt } from './raw-row.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const FIELDS = new Set([
  'kind',
  'id',
  'text',
  'base64',
  'file',
  'license',
  'source',
  'mediaType',
  'attributes',
  'personalData',
  'targets',
  'labelType',
  'type',
  'value',
  'rationale',
  'verdict',
  'score',
]);

class Refusal {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}
const refuse = (field: string, reason: string): never => {
  throw new Refusal(field, reason);
};

/** A row that may name a later row: checked again once the whole file is read. */
class Later {}

type Kind = ImportItem['kind'];

/** What the first reading of the rows found; the items themselves are read again when appended. */
export interface CheckedRows {
  readonly invalid: readonly InvalidRow[];
  /** How many items of each kind can become CFs. */
  readonly counts: Readonly<Record<Kind, number>>;
  /** The items of one kind, in file order, from a new reading of the rows. */
  readonly itemsOf: (kind: Kind) => AsyncIterable<ImportItem>;
}

/** A change between two readings of the file, found while its rows were read again to be appended. */
export class ChangedWhileRead extends Error {}

/**
 * Every row is checked in a first reading that keeps only what the verdict needs (the invalid
 * rows, each row id and where it was declared, the rows that name a row after them); the items are
 * made again, a kind at a time, when they are appended, so a file of any length is never held
 * whole. `rows` reads the file from the start each time it is called.
 */
export async function checkRows(rows: () => AsyncIterable<RawRow>, fence: Fence, defaults: ImportDefaults): Promise<CheckedRows> {
  const invalid: (InvalidRow & { readonly row: number })[] = [];
  const counts: Record<Kind, number> = { sample: 0, label: 0, validation: 0 };
  const idLines = new Map<string, string>();
  const later: { readonly at: RawRowAt; readonly fields: Record<string, unknown> }[] = [];
  const reading = { rowCount: 0, complete: false, idLines, fence, defaults };
  const check = async (at: RawRowAt, fields: Record<string, unknown>): Promise<void> => {
    try {
      counts[(await itemOf(at, fields, reading)).kind] += 1;
    } catch (e) {
      if (e instanceof Later) later.push({ at, fields });
      else if (e instanceof Refusal) invalid.push({ item: at.item, line: at.line, row: at.row, field: e.field, reason: e.reason });
      else throw e;
    }
  };
  for await (const r of rows()) {
    reading.rowCount = r.row;
    const at: RawRowAt = { row: r.row, item: r.item, line: r.line };
    if ('invalid' in r) {
      invalid.push({ ...at, ...r.invalid });
      continue;
    }
    // A row declares its id before its own checks: a later row with the same id is the one refused.
    if (typeof r.fields.id === 'string' && !idLines.has(r.fields.id)) idLines.set(r.fields.id, r.item);
    await check(at, r.fields);
  }
  reading.complete = true;
  for (const { at, fields } of later) await check(at, fields);
  const rowCount = reading.rowCount;
  invalid.sort((a, b) => a.row - b.row);
  const invalidRows = new Set(invalid.map((r) => r.row));
  const context: Context = { rowCount, complete: true, idLines, fence, defaults };
  async function* itemsOf(kind: Kind): AsyncGenerator<ImportItem> {
    let read = 0;
    for await (const r of rows()) {
      read = r.row;
      let item: ImportItem | undefined;
      if (!('invalid' in r))
        try {
          item = await itemOf({ row: r.row, item: r.item, line: r.line }, r.fields, context);
        } catch (e) {
          if (!(e instanceof Refusal)) throw e;
        }
      // What is appended is what was checked: a row that reads differently now stops the import.
      if ((item === undefined) !== invalidRows.has(r.row))
        throw new ChangedWhileRead(`${r.item} ${item === undefined ? 'is invalid now' : 'is valid now'}`);
      if (item?.kind === kind) yield item;
    }
    if (read !== rowCount) throw new ChangedWhileRead(`${read} rows now, ${rowCount} when checked`);
  }
  return { invalid: invalid.map(({ row: _row, ...r }) => r), counts, itemsOf };
}

interface Context {
  readonly rowCount: number;
  /** False while the first reading has not reached the end: a row after this one is not known yet. */
  readonly complete: boolean;
  /** Each row `id` and the row that declared it first. */
  readonly idLines: ReadonlyMap<string, string>;
  readonly fence: Fence;
  readonly defaults: ImportDefaults;
}

function optionalString(f: Record<string, unknown>, field: string): string | undefined {
  const v = f[field];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : refuse(field, `expected a string, got ${showValue(v)}`);
}

async function itemOf(at: RawRowAt, f: Record<string, unknown>, c: Context): Promise<ImportItem> {
  const unknown = Object.keys(f).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) refuse(unknown, `unknown field (a row has ${[...FIELDS].join(', ')})`);
  const id = optionalString(f, 'id');
  if (id !== undefined && c.idLines.get(id) !== at.item) refuse('id', `${JSON.stringify(id)} is already the id of ${c.idLines.get(id)}`);
  const base = { item: at.item, row: at.row, ...(id !== undefined ? { ref: id } : {}) };
  const kind = optionalString(f, 'kind') ?? (f.targets !== undefined ? (f.verdict !== undefined ? 'validation' : 'label') : 'sample');
  if (kind === 'sample') return sampleOf(base, f, c);
  if (kind !== 'label' && kind !== 'validation')
    return refuse('kind', `unknown kind ${JSON.stringify(kind)} (sample, label or validation)`);
  const targets = targetsOf(f.targets, c);
  // Targets inside the file have no CF id yet: distinct stand-ins let the codec check the rest.
  const standIns = targets.map((t) => ('cfId' in t ? t.cfId : createHash('sha256').update(JSON.stringify(t)).digest('hex')));
  const rationale = optionalString(f, 'rationale');
  if (kind === 'label') {
    const labelType = optionalString(f, 'labelType') ?? optionalString(f, 'type');
    if (labelType === undefined) refuse('labelType', 'a label row needs labelType');
    if (f.value === undefined) refuse('value', 'a label row needs value');
    checkPayload('LabelContributed', { targets: standIns, labelType, value: f.value, ...(rationale !== undefined ? { rationale } : {}) });
    return { kind: 'label', ...base, targets, labelType: labelType!, value: f.value, ...(rationale !== undefined ? { rationale } : {}) };
  }
  const verdict = optionalString(f, 'verdict');
  if (verdict !== 'approve' && verdict !== 'reject' && verdict !== 'score')
    return refuse('verdict', 'a validation row needs verdict (approve | reject | score)');
  if (rationale === undefined) refuse('rationale', 'a validation row needs rationale');
  checkPayload('ValidationContributed', { targets: standIns, verdict, rationale, ...(f.score !== undefined ? { score: f.score } : {}) });
  return {
    kind: 'validation',
    ...base,
    targets,
    verdict,
    rationale: rationale!,
    ...(f.score !== undefined ? { score: f.score as number } : {}),
  };
}

async function sampleOf(base: { item: string; row: number; ref?: string }, f: Record<string, unknown>, c: Context): Promise<ImportItem> {
  const given = (['text', 'base64', 'file'] as const).filter((k) => f[k] !== undefined);
  if (given.length !== 1)
    refuse(
      given[1] ?? 'text',
      given.length === 0 ? 'a sample row needs text, base64 or file' : `give one of text, base64 or file, not ${given.join(' and ')}`,
    );
  const source = given[0]!;
  const value = optionalString(f, source)!;
  let bytes: Uint8Array;
  if (source === 'text') bytes = new TextEncoder().encode(value);
  else if (source === 'base64') {
    // Buffer.from skips characters that are not base64 without a word; the bytes would differ.
    if (!BASE64.test(value)) refuse('base64', 'not base64 (RFC 4648 alphabet, padded)');
    bytes = new Uint8Array(Buffer.from(value, 'base64'));
  } else {
    const read = await readInside(c.fence, value);
    if (E.isLeft(read)) return refuse('file', `${JSON.stringify(value)}: ${read.left}`);
    bytes = read.right;
  }
  if (bytes.length === 0) refuse(source, 'empty sample');
  const license = optionalString(f, 'license') ?? c.defaults.license;
  if (license === undefined || license === '') refuse('license', 'none given (--license or a license field)');
  if (!isSpdxExpression(license!)) refuse('license', `${JSON.stringify(license)} is not an SPDX expression`);
  const origin = optionalString(f, 'source') ?? c.defaults.source;
  if (origin === undefined || origin === '') refuse('source', 'none given (--source or a source field)');
  const mediaType = optionalString(f, 'mediaType') ?? c.defaults.mediaType ?? (source === 'file' ? mediaTypeOf(value) : 'text/plain');
  if (f.personalData !== undefined && typeof f.personalData !== 'boolean')
    refuse('personalData', `expected true or false, got ${showValue(f.personalData)}`);
  const personalData = (f.personalData as boolean | undefined) ?? c.defaults.personalData ?? false;
  // the log cannot forget: a personal-data row's id (often a person's record number) stays out of it
  const attributes = withImportId(f.attributes, personalData ? undefined : base.ref);
  checkPayload('SampleContributed', {
    // The commitment is made by the SDK; a stand-in of the same shape lets the codec check the rest.
    commitment: personalData
      ? { scheme: 'hmac-sha256', value: '0'.repeat(64), keyId: 'stand-in' }
      : { scheme: 'sha256', value: '0'.repeat(64) },
    mediaType,
    size: bytes.length,
    license,
    source: origin,
    ...(personalData ? { personalData } : {}),
    ...(attributes !== undefined ? { attributes } : {}),
  });
  return {
    kind: 'sample',
    ...base,
    bytes,
    mediaType,
    license: license!,
    source: origin!,
    personalData,
    ...(attributes !== undefined ? { attributes } : {}),
  };
}

/**
 * A sample row's `id` is kept in the log as `attributes.importId`, so `cairn show` can say which
 * row a CF came from. Only rows that have an id get one, so the content id of a row without an id
 * is what it always was; a personal-data row's id is not kept (erasure shreds the bytes, not the
 * log). Attributes that are not an object are left for the codec to refuse.
 */
function withImportId(given: unknown, id: string | undefined): Record<string, unknown> | undefined {
  const attributes = given as Record<string, unknown> | undefined;
  if (id === undefined || (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given)))) return attributes;
  const stated = attributes?.['importId'];
  if (stated !== undefined && stated !== id)
    refuse('id', `${JSON.stringify(id)} differs from attributes.importId ${showValue(stated)} (the row id is kept as attributes.importId)`);
  return { ...attributes, importId: id };
}

function targetsOf(value: unknown, c: Context): TargetRef[] {
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  if (list.length === 0) refuse('targets', 'no targets');
  return list.map((t): TargetRef => {
    if (typeof t === 'number' && Number.isInteger(t) && t > 0) {
      if (t > c.rowCount && !c.complete) throw new Later();
      return t <= c.rowCount ? { row: t } : refuse('targets', `row ${t}: the file has ${c.rowCount} rows`);
    }
    if (typeof t === 'string' && isSha256Hex(t)) return { cfId: t };
    if (typeof t === 'string' && t !== '') {
      if (!c.idLines.has(t) && !c.complete) throw new Later();
      return c.idLines.has(t) ? { ref: t } : refuse('targets', `no row has the id ${JSON.stringify(t)}`);
    }
    return refuse('targets', `${showValue(t)} is neither a CF id, a row number nor a row id`);
  });
}

function checkPayload(type: 'SampleContributed' | 'LabelContributed' | 'ValidationContributed', payload: Record<string, unknown>): void {
  const decoded = decodePayload(type, payload);
  if (E.isRight(decoded)) return;
  const problem = decoded.left.problems[0]!;
  const field = problem.path.split(/[.[]/)[0] || '(row)';
  refuse(field, `expected ${problem.expected}, got ${showValue(problem.actual)}`);
}
