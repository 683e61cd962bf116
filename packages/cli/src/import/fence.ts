// Which files an import may read: only files inside the import's folder (a folder import's root, or
// the folder holding the JSONL / CSV file), and never anything inside the Cairn store folder, whose
// signers/, keys/ and blobs/ hold secret keys. Paths are compared after realpath, so neither `..`
// nor a symlink can step outside; a row naming such a file is refused with the reason.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';

export interface Fence {
  /** The import folder, resolved. */
  readonly root: string;
  /** Store folders (resolved) whose files are never imported, even inside the root. */
  readonly forbidden: readonly string[];
}

export const IN_STORE = 'inside the Cairn store folder (its keys and blobs are never imported)';

/** `dir` itself or anything below it. */
export function isWithin(dir: string, candidate: string): boolean {
  const rel = path.relative(dir, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

async function resolved(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

/** Store folders that do not exist yet cannot hold anything, so they are left out. */
export async function fenceOf(root: string, storeFolders: readonly string[]): Promise<Fence> {
  const forbidden = (await Promise.all(storeFolders.map(resolved))).filter((p): p is string => p !== undefined);
  return { root: await realpath(root), forbidden };
}

export function inStore(fence: Fence, resolvedPath: string): boolean {
  return fence.forbidden.some((dir) => isWithin(dir, resolvedPath));
}

/** The bytes of `name` (relative to the fence's root), or why it may not or cannot be read. */
export async function readInside(fence: Fence, name: string): Promise<E.Either<string, Uint8Array>> {
  if (path.isAbsolute(name) || path.win32.isAbsolute(name)) return E.left('an absolute path (name files relative to the import folder)');
  if (name.split(/[\\/]/).includes('..')) return E.left('a path with ".." (files must stay inside the import folder)');
  let real: string;
  try {
    real = await realpath(path.join(fence.root, name));
  } catch (cause) {
    return E.left(`unreadable: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
  if (!isWithin(fence.root, real)) return E.left('a symlink that resolves outside the import folder');
  if (inStore(fence, real)) return E.left(IN_STORE);
  // O_NOFOLLOW: the resolved path must not have become a symlink since; O_NONBLOCK: a FIFO must
  // not hang the import (it is refused below as not a regular file).
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (cause) {
    return E.left(`unreadable: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
  try {
    if (!(await handle.stat()).isFile()) return E.left('not a regular file');
    return E.right(new Uint8Array(await handle.readFile()));
  } catch (cause) {
    return E.left(`unreadable: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  } finally {
    await handle.close();
  }
}
