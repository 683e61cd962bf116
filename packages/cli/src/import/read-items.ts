// What `cairn import PATH` reads: a folder of files (one sample each), or a JSONL / CSV file of
// rows that are samples, labels or validations. Rows that cannot become a CF are skipped with the
// reason, never silently dropped; everything else is checked again by the SDK before it appends.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { isSpdxExpression } from '@cairn/core';
import { mediaTypeOf } from './media-type.js';

export interface ImportDefaults {
  readonly license?: string;
  readonly source?: string;
  readonly mediaType?: string;
}

interface ItemBase {
  /** Where it came from, for people: a relative path, or `line N` / `row N`. */
  readonly item: string;
  /** 1-based row number in a JSONL / CSV file (0 for a folder's files). */
  readonly row: number;
  /** The row's own name (`id` field) that later rows may target. */
  readonly ref?: string;
}

export type ImportItem =
  | (ItemBase & { readonly kind: 'sample'; readonly bytes: Uint8Array; readonly mediaType: string; readonly license: string; readonly source: string; readonly attributes?: Record<string, unknown> })
  | (ItemBase & { readonly kind: 'label'; readonly targets: readonly TargetRef[]; readonly labelType: string; readonly value: unknown; readonly rationale?: string })
  | (ItemBase & { readonly kind: 'validation'; readonly targets: readonly TargetRef[]; readonly verdict: 'approve' | 'reject' | 'score'; readonly score?: number; readonly rationale: string });

/** A label or validation target: a CF already in the log, a row of this file by number, or by its `id`. */
export type TargetRef = { readonly cfId: string } | { readonly row: number } | { readonly ref: string };

export interface Skipped {
  readonly item: string;
  readonly reason: string;
}

export interface ReadItems {
  readonly format: 'folder' | 'jsonl' | 'csv';
  readonly items: readonly ImportItem[];
  readonly skipped: readonly Skipped[];
}

const CF_ID = /^[0-9a-f]{64}$/;

/** Throws only for a PATH that cannot be read at all (the command turns that into a usage error). */
export async function readImportItems(target: string, defaults: ImportDefaults): Promise<ReadItems> {
  const info = await stat(target);
  if (info.isDirectory()) return readFolder(target, defaults);
  const text = await readFile(target, 'utf8');
  const base = path.dirname(target);
  if (/\.csv$/i.test(target)) {
    const records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as Record<string, string>[];
    return fromRecords('csv', records.map((r, i) => ({ row: i + 1, item: `row ${i + 1}`, fields: csvFields(r) })), base, defaults);
  }
  const rows: { row: number; item: string; fields: Record<string, unknown> | string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const parsed = JSON.parse(line) as unknown;
      rows.push({ row: rows.length + 1, item: `line ${i + 1}`, fields: typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'not a JSON object' });
    } catch (cause) {
      rows.push({ row: rows.length + 1, item: `line ${i + 1}`, fields: `not JSON (${cause instanceof Error ? cause.message : String(cause)})` });
    }
  });
  return fromRecords('jsonl', rows, base, defaults);
}

async function readFolder(dir: string, defaults: ImportDefaults): Promise<ReadItems> {
  const items: ImportItem[] = [];
  const skipped: Skipped[] = [];
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  // Sorted by relative path so the same folder imports in the same order on every machine.
  const files = entries.map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
  for (const rel of files) {
    if (rel.split(path.sep).some((part) => part.startsWith('.'))) continue;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path.join(dir, rel)));
    } catch (cause) {
      skipped.push({ item: rel, reason: `unreadable: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}` });
      continue;
    }
    const sample = sampleOf({ item: rel, row: 0 }, bytes, { mediaType: defaults.mediaType ?? mediaTypeOf(rel), license: defaults.license, source: defaults.source, attributes: { path: rel.split(path.sep).join('/') } });
    if ('reason' in sample) skipped.push(sample);
    else items.push(sample);
  }
  return { format: 'folder', items, skipped };
}

function sampleOf(
  at: { item: string; row: number; ref?: string },
  bytes: Uint8Array,
  meta: { mediaType: string; license: string | undefined; source: string | undefined; attributes?: Record<string, unknown> },
): ImportItem | Skipped {
  if (bytes.length === 0) return { item: at.item, reason: 'empty file' };
  if (meta.license === undefined || meta.license === '') return { item: at.item, reason: 'bad license: none given (--license or a license field)' };
  if (!isSpdxExpression(meta.license)) return { item: at.item, reason: `bad license: ${JSON.stringify(meta.license)} is not an SPDX expression` };
  if (meta.source === undefined || meta.source === '') return { item: at.item, reason: 'no source (--source or a source field)' };
  return { kind: 'sample', ...at, bytes, mediaType: meta.mediaType, license: meta.license, source: meta.source, ...(meta.attributes ? { attributes: meta.attributes } : {}) };
}

/** CSV cells are strings: `targets` is `;`-separated, `attributes` and `value` may be JSON. */
function csvFields(r: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== '') out[k] = v;
  if (typeof out.targets === 'string') out.targets = out.targets.split(';').map((t) => t.trim()).filter((t) => t !== '').map((t) => (/^\d+$/.test(t) ? Number(t) : t));
  for (const k of ['attributes', 'value']) {
    if (typeof out[k] !== 'string') continue;
    try {
      out[k] = JSON.parse(out[k]);
    } catch {
      // a plain string value stays a string
    }
  }
  if (typeof out.score === 'string') out.score = Number(out.score);
  return out;
}

function targetsOf(value: unknown): TargetRef[] | string {
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  if (list.length === 0) return 'no targets';
  const out: TargetRef[] = [];
  for (const t of list) {
    if (typeof t === 'number' && Number.isInteger(t) && t > 0) out.push({ row: t });
    else if (typeof t === 'string' && CF_ID.test(t)) out.push({ cfId: t });
    else if (typeof t === 'string' && t !== '') out.push({ ref: t });
    else return `target ${JSON.stringify(t)} is neither a CF id, a row number nor a row id`;
  }
  return out;
}

async function fromRecords(
  format: 'jsonl' | 'csv',
  rows: readonly { row: number; item: string; fields: Record<string, unknown> | string }[],
  base: string,
  defaults: ImportDefaults,
): Promise<ReadItems> {
  const items: ImportItem[] = [];
  const skipped: Skipped[] = [];
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  for (const { row, item, fields: f } of rows) {
    if (typeof f === 'string') {
      skipped.push({ item, reason: f });
      continue;
    }
    const at = { item, row, ...(str(f.id) ? { ref: str(f.id)! } : {}) };
    const kind = str(f.kind) ?? (f.targets !== undefined ? (f.verdict !== undefined ? 'validation' : 'label') : 'sample');
    if (kind === 'sample') {
      let bytes: Uint8Array;
      if (typeof f.text === 'string') bytes = new TextEncoder().encode(f.text);
      else if (typeof f.base64 === 'string') bytes = new Uint8Array(Buffer.from(f.base64, 'base64'));
      else if (typeof f.file === 'string') {
        try {
          bytes = new Uint8Array(await readFile(path.resolve(base, f.file)));
        } catch (cause) {
          skipped.push({ item, reason: `unreadable: ${f.file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}` });
          continue;
        }
      } else {
        skipped.push({ item, reason: 'a sample row needs text, base64 or file' });
        continue;
      }
      const attributes = typeof f.attributes === 'object' && f.attributes !== null && !Array.isArray(f.attributes) ? (f.attributes as Record<string, unknown>) : undefined;
      const mediaType = str(f.mediaType) ?? defaults.mediaType ?? (typeof f.file === 'string' ? mediaTypeOf(f.file) : 'text/plain');
      const sample = sampleOf(at, bytes, { mediaType, license: str(f.license) ?? defaults.license, source: str(f.source) ?? defaults.source, ...(attributes ? { attributes } : {}) });
      if ('reason' in sample) skipped.push(sample);
      else items.push(sample);
      continue;
    }
    const targets = targetsOf(f.targets);
    if (typeof targets === 'string') {
      skipped.push({ item, reason: targets });
      continue;
    }
    if (kind === 'label') {
      const labelType = str(f.labelType) ?? str(f.type);
      if (labelType === undefined || f.value === undefined) {
        skipped.push({ item, reason: 'a label row needs labelType and value' });
        continue;
      }
      items.push({ kind: 'label', ...at, targets, labelType, value: f.value, ...(str(f.rationale) ? { rationale: str(f.rationale)! } : {}) });
    } else if (kind === 'validation') {
      const verdict = str(f.verdict);
      const rationale = str(f.rationale);
      if ((verdict !== 'approve' && verdict !== 'reject' && verdict !== 'score') || rationale === undefined) {
        skipped.push({ item, reason: 'a validation row needs verdict (approve | reject | score) and rationale' });
        continue;
      }
      const score = typeof f.score === 'number' && Number.isFinite(f.score) ? f.score : undefined;
      items.push({ kind: 'validation', ...at, targets, verdict, rationale, ...(score !== undefined ? { score } : {}) });
    } else skipped.push({ item, reason: `unknown kind ${JSON.stringify(kind)} (sample, label or validation)` });
  }
  return { format, items, skipped };
}
