// A KeyStore in a local folder (default <ledger dir>/keys), kept apart from the blob folder so the
// two can live on different volumes. A single put writes one 0600 file per sample; putMany (bulk
// ingest) writes one 0600 file per batch under batches/, fsync'd once (./batch-file.ts), because
// two fsyncs per sample were the ceiling of folder-backed ingest. Shredding overwrites the
// record's key bytes with random bytes in place and flushes them: the whole file for a one-sample
// file (then unlinks it), the one record for a batch file (unlinked once no live record is left).
// On copy-on-write or wear-levelled storage an overwrite is not a guarantee that old blocks are
// gone; deployments that need that should put this folder on an encrypted volume whose key they
// control, or use a KMS-backed KeyStore.
import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { mkdirDurably, syncDir } from '../durable-dir.js';
import * as E from 'fp-ts/lib/Either.js';
import { storageError } from '../blob-store/port.js';
import { assertAddress } from '../blob-store/address.js';
import type { KeyStore } from './port.js';
import { decodeKeyRecord, encodeKeyRecord } from './record-codec.js';
import { encodeKeyBatch, liveKeyRecords, RECORD_BYTES, SECRET_BYTES, SECRET_OFFSET, SHREDDED } from './batch-file.js';

interface Located {
  readonly file: string;
  readonly offset: number;
}

async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, bytes, { mode: 0o600, flush: true });
    await rename(tmp, file);
    await syncDir(path.dirname(file));
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export function createFolderKeyStore(dir: string): KeyStore {
  const batchDir = path.join(dir, 'batches');
  const made = new Set<string>();
  const ensureDir = async (folder: string) => {
    if (made.has(folder)) return;
    await mkdirDurably(folder, 0o700);
    made.add(folder);
  };
  const fileOf = (sampleId: string) => {
    assertAddress(sampleId);
    return path.join(dir, `${sampleId}.key`);
  };
  // Where each batch-file record is. Built by reading batches/ on the first miss; a later miss
  // reads only the batch files this store has not seen (written since by another store on the
  // same folder). A record never moves within its file (shredding overwrites it in place, and
  // readRecord checks it is still live), so a file once read needs no second reading; before,
  // every miss (a sample put as a single file, an id that is not there) read every batch file.
  const located = new Map<string, Located>();
  const seen = new Set<string>();
  const scan = async () => {
    const names = await readdir(batchDir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    for (const name of names.filter((n) => n.endsWith('.keys') && !seen.has(n))) {
      const file = path.join(batchDir, name);
      const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      if (bytes) for (const r of liveKeyRecords(bytes)) located.set(r.sampleId, { file, offset: r.offset });
      seen.add(name);
    }
  };
  const locate = async (sampleId: string): Promise<Located | undefined> => {
    if (!located.has(sampleId)) await scan();
    return located.get(sampleId);
  };
  const readRecord = async (sampleId: string, at: Located) => {
    const handle = await open(at.file, 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!handle) return undefined;
    try {
      const bytes = new Uint8Array(RECORD_BYTES);
      const { bytesRead } = await handle.read(bytes, 0, RECORD_BYTES, at.offset);
      const [record] = bytesRead === RECORD_BYTES ? [...liveKeyRecords(bytes)] : [];
      return record?.sampleId === sampleId ? record.record : undefined;
    } finally {
      await handle.close();
    }
  };
  const shredRecords = async (file: string, offsets: readonly number[]) => {
    const handle = await open(file, 'r+').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!handle) return;
    let live: boolean;
    try {
      for (const offset of offsets) {
        await handle.write(randomBytes(SECRET_BYTES), 0, SECRET_BYTES, offset + SECRET_OFFSET);
        await handle.write(Uint8Array.of(SHREDDED), 0, 1, offset);
      }
      await handle.sync();
      live = !liveKeyRecords(await handle.readFile()).next().done;
    } finally {
      await handle.close();
    }
    if (!live) await rm(file, { force: true });
  };
  const shredAll = async (sampleIds: readonly string[]) => {
    const byFile = new Map<string, number[]>();
    for (const sampleId of sampleIds) {
      await shredFile(fileOf(sampleId));
      const at = await locate(sampleId);
      if (!at) continue;
      const offsets = byFile.get(at.file) ?? [];
      offsets.push(at.offset);
      byFile.set(at.file, offsets);
      located.delete(sampleId);
    }
    for (const [file, offsets] of byFile) await shredRecords(file, offsets);
  };
  const shredFile = async (file: string) => {
    const handle = await open(file, 'r+').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      await handle.write(randomBytes(size), 0, size, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rm(file, { force: true });
  };

  const store: KeyStore = {
    kind: 'folder',
    put: async (sampleId, record) => {
      const file = fileOf(sampleId);
      try {
        await ensureDir(dir);
        await writeDurably(file, encodeKeyRecord(record));
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('keys', 'put', sampleId, e));
      }
    },
    putMany: async (entries) => {
      if (entries.length === 0) return E.right(undefined);
      // A batch of one keeps the one-file-per-sample layout: nothing to amortise.
      if (entries.length === 1) return store.put(entries[0]!.sampleId, entries[0]!.record);
      for (const { sampleId } of entries) assertAddress(sampleId);
      const file = path.join(batchDir, `${randomUUID()}.keys`);
      try {
        await ensureDir(batchDir);
        await writeDurably(file, encodeKeyBatch(entries));
        entries.forEach(({ sampleId }, i) => located.set(sampleId, { file, offset: i * RECORD_BYTES }));
        seen.add(path.basename(file));
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('keys', 'putMany', entries[0]!.sampleId, e));
      }
    },
    get: async (sampleId) => {
      try {
        const single = await readFile(fileOf(sampleId)).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return undefined;
          throw e;
        });
        if (single) {
          const decoded = decodeKeyRecord(new Uint8Array(single));
          return typeof decoded === 'string' ? E.left(storageError('keys', 'get', sampleId, decoded)) : E.right(decoded);
        }
        const at = await locate(sampleId);
        return E.right(at && (await readRecord(sampleId, at)));
      } catch (e) {
        return E.left(storageError('keys', 'get', sampleId, e));
      }
    },
    shred: async (sampleId) => {
      try {
        await shredAll([sampleId]);
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('keys', 'shred', sampleId, e));
      }
    },
    shredMany: async (sampleIds) => {
      try {
        await shredAll(sampleIds);
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('keys', 'shredMany', sampleIds[0] ?? '', e));
      }
    },
  };
  return store;
}
