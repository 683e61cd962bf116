// What `cairn import PATH` reads: a folder of files (one sample each), or a JSONL / CSV file of
// rows that are samples, labels or validations. Everything is read and checked here, before
// anything is appended: entries that are not imported by design are listed with the reason, and
// rows that cannot become a CF are returned as invalid (the command decides what that means).
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { csvRows } from './csv-rows.js';
import { readInside, type Fence } from './fence.js';
import type { ImportDefaults, ImportItem, ReadItems, Skipped } from './items.js';
import { jsonlRows } from './jsonl-rows.js';
import { mediaTypeOf } from './media-type.js';
import { rowItems } from './row-items.js';
import { walkFolder } from './walk-folder.js';

export type { ImportDefaults, ImportItem, InvalidRow, ReadItems, Skipped, TargetRef } from './items.js';
export { invalidText } from './items.js';

/**
 * `fenceFor(folder)` gives the folder whose files may be read: the target for a folder import,
 * the file's own folder for JSONL / CSV. Throws only for a PATH that cannot be read at all.
 */
export async function readImportItems(
  target: string,
  defaults: ImportDefaults,
  fenceFor: (folder: string) => Promise<Fence>,
): Promise<ReadItems> {
  if ((await stat(target)).isDirectory()) return readFolder(await fenceFor(target), defaults);
  const bytes = new Uint8Array(await readFile(target));
  const fence = await fenceFor(path.dirname(target));
  const format = /\.csv$/i.test(target) ? 'csv' : 'jsonl';
  const { items, invalid } = await rowItems(format === 'csv' ? csvRows(bytes) : jsonlRows(bytes), fence, defaults);
  return { format, items, skipped: [], invalid };
}

async function readFolder(fence: Fence, defaults: ImportDefaults): Promise<ReadItems> {
  const items: ImportItem[] = [];
  const { files, skipped: walked } = await walkFolder(fence);
  const skipped: Skipped[] = [...walked];
  for (const rel of files) {
    const read = await readInside(fence, rel);
    const shown = rel.split(path.sep).join('/');
    if (E.isLeft(read)) skipped.push({ item: shown, reason: read.left });
    else if (read.right.length === 0) skipped.push({ item: shown, reason: 'empty file' });
    else
      items.push({
        kind: 'sample',
        item: shown,
        row: 0,
        bytes: read.right,
        mediaType: defaults.mediaType ?? mediaTypeOf(rel),
        // The command refuses a folder import without a valid --license and --source.
        license: defaults.license ?? '',
        source: defaults.source ?? '',
        personalData: defaults.personalData ?? false,
        attributes: { path: shown },
      });
  }
  return { format: 'folder', items, skipped, invalid: [] };
}
