// A renamed or newly created file survives a power cut only once the folder naming it is on disk
// too: fsync on the file covers its bytes, not its directory entry.
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** mkdir -p that also flushes the entries of every folder it created. */
export async function mkdirDurably(dir: string, mode?: number): Promise<void> {
  const first = await mkdir(dir, { recursive: true, ...(mode === undefined ? {} : { mode }) });
  if (first === undefined) return;
  for (let folder = dir; ; folder = path.dirname(folder)) {
    await syncDir(path.dirname(folder));
    if (path.resolve(folder) === path.resolve(first)) return;
  }
}
