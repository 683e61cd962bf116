// The files of a folder import, and every entry that is not imported with the reason: symlinks
// are listed and not followed (a link inside the folder names a file that is imported on its own;
// one pointing out must not be read), hidden entries and the store folder are listed once
// without being descended into, and anything that is not a regular file is listed too.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { IN_STORE, inStore, type Fence } from './fence.js';
import type { Skipped } from './items.js';

export interface FolderEntries {
  /** Relative paths of regular files, sorted so every machine imports in the same order. */
  readonly files: readonly string[];
  readonly skipped: readonly Skipped[];
}

export async function walkFolder(fence: Fence): Promise<FolderEntries> {
  const files: string[] = [];
  const skipped: Skipped[] = [];
  // An explicit stack: a folder nested thousands deep must not overflow the call stack.
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(path.join(fence.root, dir), { withFileTypes: true });
    } catch (cause) {
      skipped.push({ item: `${dir}/`, reason: `unreadable: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}` });
      continue;
    }
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : path.join(dir, entry.name);
      const shown = rel.split(path.sep).join('/');
      if (inStore(fence, path.join(fence.root, rel))) skipped.push({ item: entry.isDirectory() ? `${shown}/` : shown, reason: IN_STORE });
      else if (entry.isSymbolicLink()) skipped.push({ item: shown, reason: 'symlink (not followed)' });
      else if (entry.name.startsWith('.')) skipped.push({ item: entry.isDirectory() ? `${shown}/` : shown, reason: 'hidden' });
      else if (entry.isDirectory()) pending.push(rel);
      else if (entry.isFile()) files.push(rel);
      else skipped.push({ item: shown, reason: 'not a regular file' });
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  files.sort(byName);
  skipped.sort((a, b) => byName(a.item, b.item));
  return { files, skipped };
}
