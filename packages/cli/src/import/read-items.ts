// What `cairn import PATH` reads: a folder of files (one sample each), or a JSONL / CSV file of
// rows that are samples, labels or validations. Everything is read and checked here, before
// anything is appended: entries that are not imported by design are listed with the reason, and
// rows that cannot become a CF are returned as invalid (the command decides what that means).
// A file's rows are not kept: they are read again, a kind at a time, as they are appended.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { csvRows, UnreadableCsv } from './csv-rows.js';
import { readInside, type Fence } from './fence.js';
import type { ImportDefaults, ImportItem, ReadItems, Skipped } from './items.js';
import { jsonlRows } from './jsonl-rows.js';
import { mediaTypeOf } from './media-type.js';
import { ChangedWhileRead, checkRows } from './row-items.js';
import { walkFolder } from './walk-folder.js';

export type { ImportDefaults, ImportItem, InvalidRow, ReadItems, Skipped, TargetRef } from './items.js';
export { invalidText } from './items.js';
export { ChangedWhileRead } from './row-items.js';

/** How much of a file is read at a time. */
const PIECE = 1 << 20;

/**
 * `fenceFor(folder)` gives the folder whose files may be read: the target for a folder import,
 * the file's own folder for JSONL / CSV. Throws only for a PATH that cannot be read at all.
 */
export async function readImportItems(
  target: string,
  defaults: ImportDefaults,
  fenceFor: (folder: string) => Promise<Fence>,
): Promise<ReadItems> {
  const status = await stat(target);
  if (status.isDirectory()) return readFolder(await fenceFor(target), defaults);
  const fence = await fenceFor(path.dirname(target));
  const format = /\.csv$/i.test(target) ? 'csv' : 'jsonl';
  // A pipe can be read only once: it is held whole, as every file was.
  const open = status.isFile() ? piecesOf(target) : heldWhole(await readFile(target));
  const rows = () => (format === 'csv' ? csvRows(open) : jsonlRows(open()));
  try {
    const { invalid, counts, itemsOf } = await checkRows(rows, fence, defaults);
    return { format, counts, itemsOf: (kind) => unchanged(itemsOf(kind)), skipped: [], invalid };
  } catch (e) {
    if (!(e instanceof UnreadableCsv)) throw e;
    return { format, counts: { sample: 0, label: 0, validation: 0 }, itemsOf: () => [], skipped: [], invalid: [e.invalid] };
  }
}

/**
 * The file from its start, a piece at a time, each time it is called. Every reading after the
 * first that reaches the end must have read the same bytes: what is appended is what was checked.
 */
function piecesOf(file: string): () => AsyncIterable<Uint8Array> {
  let checked: string | undefined;
  return async function* () {
    const hash = createHash('sha256');
    for await (const piece of createReadStream(file, { highWaterMark: PIECE }) as AsyncIterable<Buffer>) {
      hash.update(piece);
      yield piece;
    }
    const digest = hash.digest('hex');
    checked ??= digest;
    if (digest !== checked) throw new ChangedWhileRead('its bytes are not the ones that were checked');
  };
}

function heldWhole(bytes: Uint8Array): () => AsyncIterable<Uint8Array> {
  return async function* () {
    yield bytes;
  };
}

async function* unchanged(items: AsyncIterable<ImportItem>): AsyncGenerator<ImportItem> {
  try {
    yield* items;
  } catch (e) {
    throw e instanceof UnreadableCsv ? new ChangedWhileRead(`${e.invalid.item} is not CSV now`) : e;
  }
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
  // A folder's files are held as they are read (a folder of a million files is not the case this serves).
  const counts = { sample: items.length, label: 0, validation: 0 };
  return { format: 'folder', counts, itemsOf: (kind) => items.filter((i) => i.kind === kind), skipped, invalid: [] };
}
