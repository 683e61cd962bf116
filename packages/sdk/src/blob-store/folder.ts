// A BlobStore in a local folder (default <ledger dir>/blobs): one file per sample, fanned out by
// the first two hex digits so no directory grows past a few thousand entries. Writes go to a
// temporary name and are renamed into place, so a crash never leaves a half-written blob.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { storageError, type BlobStore } from './port.js';
import { assertAddress } from './address.js';

export function createFolderBlobStore(dir: string): BlobStore {
  const made = new Set<string>();
  const ensureDir = async (folder: string) => {
    if (made.has(folder)) return;
    await mkdir(folder, { recursive: true });
    made.add(folder);
  };
  const fileOf = (address: string) => {
    assertAddress(address);
    return path.join(dir, address.slice(0, 2), address);
  };
  return {
    kind: 'folder',
    put: async (address, ciphertext) => {
      const file = fileOf(address);
      const tmp = `${file}.${randomUUID()}.tmp`;
      try {
        await ensureDir(path.dirname(file));
        await writeFile(tmp, ciphertext, { flush: true });
        await rename(tmp, file);
        return E.right(undefined);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        return E.left(storageError('blobs', 'put', address, e));
      }
    },
    get: async (address) => {
      try {
        return E.right(new Uint8Array(await readFile(fileOf(address))));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return E.right(undefined);
        return E.left(storageError('blobs', 'get', address, e));
      }
    },
    delete: async (address) => {
      try {
        await rm(fileOf(address), { force: true });
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('blobs', 'delete', address, e));
      }
    },
  };
}
