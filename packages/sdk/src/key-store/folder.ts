// A KeyStore in a local folder (default <ledger dir>/keys), one 0600 file per sample, kept apart
// from the blob folder so the two can live on different volumes. Shredding overwrites the file
// with random bytes, flushes it, then unlinks it. On copy-on-write or wear-levelled storage an
// overwrite is not a guarantee that old blocks are gone; deployments that need that should put
// this folder on an encrypted volume whose key they control, or use a KMS-backed KeyStore.
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { storageError } from '../blob-store/port.js';
import { assertAddress } from '../blob-store/address.js';
import type { KeyStore } from './port.js';
import { decodeKeyRecord, encodeKeyRecord } from './record-codec.js';

export function createFolderKeyStore(dir: string): KeyStore {
  let made = false;
  const fileOf = (sampleId: string) => {
    assertAddress(sampleId);
    return path.join(dir, `${sampleId}.key`);
  };
  return {
    kind: 'folder',
    put: async (sampleId, record) => {
      const file = fileOf(sampleId);
      const tmp = `${file}.${randomUUID()}.tmp`;
      try {
        if (!made) {
          await mkdir(dir, { recursive: true, mode: 0o700 });
          made = true;
        }
        await writeFile(tmp, encodeKeyRecord(record), { mode: 0o600, flush: true });
        await rename(tmp, file);
        return E.right(undefined);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        return E.left(storageError('keys', 'put', sampleId, e));
      }
    },
    get: async (sampleId) => {
      try {
        const decoded = decodeKeyRecord(new Uint8Array(await readFile(fileOf(sampleId))));
        return typeof decoded === 'string' ? E.left(storageError('keys', 'get', sampleId, decoded)) : E.right(decoded);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return E.right(undefined);
        return E.left(storageError('keys', 'get', sampleId, e));
      }
    },
    shred: async (sampleId) => {
      const file = fileOf(sampleId);
      try {
        const handle = await open(file, 'r+').catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return undefined;
          throw e;
        });
        if (handle) {
          try {
            const { size } = await handle.stat();
            await handle.write(randomBytes(size), 0, size, 0);
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rm(file, { force: true });
        }
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('keys', 'shred', sampleId, e));
      }
    },
  };
}
