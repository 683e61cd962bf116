// A KeyStore in a local folder (default <ledger dir>/keys), kept apart from the blob folder so the
// two can live on different volumes. A single put writes one 0600 file per sample; putMany (bulk
// ingest) writes one 0600 file per batch under batches/, fsync'd once (./batch-file.ts), because
// two fsyncs per sample were the ceiling of folder-backed ingest. Shredding overwrites the
// record's key bytes with random bytes in place and flushes them: the whole file for a one-sample
// file (then unlinks it), the one record for a batch file (unlinked once no live record is left).
// On copy-on-write or wear-levelled storage an overwrite is not a guarantee that old blocks are
// gone; deployments that need that should put this folder on an encrypted volume whose key they
// control, or use a KMS-backed KeyStore.
//
// Nothing is ever replaced: a one-sample file is created exclusively (a second put for the same
// sample goes to a batch file of its own), and every batch file has a fresh name, so each sealing
// keeps its own record (see ./port.ts) and two processes writing the same folder cannot leave a
// key that belongs to neither's ciphertext.
import { link, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { mkdirDurably, syncDir } from '../durable-dir.js';
import * as E from 'fp-ts/lib/Either.js';
import { storageError } from '../blob-store/port.js';
import { assertAddress } from '../blob-store/address.js';
import type { KeyStore, SampleKeyEntry, SampleKeyRecord, Sealing } from './port.js';
import { decodeKeyRecord, encodeKeyRecord } from './record-codec.js';
import { encodeKeyBatch, liveKeyRecords, RECORD_BYTES, SECRET_BYTES, SECRET_OFFSET, SHREDDED } from './batch-file.js';
import { stampedName, stampOf } from '../blob-store/stamped-name.js';

interface Located {
  readonly file: string;
  readonly offset: number;
}

const ignoreMissing = (e: NodeJS.ErrnoException) => {
  if (e.code === 'ENOENT') return undefined;
  throw e;
};

/** Writes the file whole and flushed; `exclusive` refuses (answers false) when it already exists. */
async function writeDurably(file: string, bytes: Uint8Array, exclusive = false): Promise<boolean> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, bytes, { mode: 0o600, flush: true });
    if (!exclusive) {
      await rename(tmp, file);
      await syncDir(path.dirname(file));
      return true;
    }
    // link is atomic and fails on an existing name, where rename would replace it.
    try {
      await link(tmp, file);
      await syncDir(path.dirname(file));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

const sameKey = (a: SampleKeyRecord, b: SampleKeyRecord) => timingSafeEqual(a.dataKey, b.dataKey);

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
  // Where each batch-file record is (every copy of a sample's). Built by reading batches/ on the
  // first miss; a later scan reads only the batch files this store has not seen (written since
  // by another store on the same folder). A record never moves within its file (shredding
  // overwrites it in place, and readRecord checks it is still live), so a file once read needs
  // no second reading.
  const located = new Map<string, Located[]>();
  const seen = new Set<string>();
  // One-sample files this store wrote: retain's own copy is there, not in the index.
  const ownSingles = new Set<string>();
  const remember = (sampleId: string, at: Located) => {
    const known = located.get(sampleId);
    if (!known) located.set(sampleId, [at]);
    else if (!known.some((k) => k.file === at.file && k.offset === at.offset)) known.push(at);
  };
  const batchNames = async () => ((await readdir(batchDir).catch(ignoreMissing)) ?? []).filter((n) => n.endsWith('.keys'));
  let scanned = false;
  const scan = async () => {
    scanned = true;
    for (const name of (await batchNames()).filter((n) => !seen.has(n))) {
      const file = path.join(batchDir, name);
      const bytes = await readFile(file).catch(ignoreMissing);
      if (bytes) for (const r of liveKeyRecords(bytes)) remember(r.sampleId, { file, offset: r.offset });
      seen.add(name);
    }
  };
  const readRecord = async (sampleId: string, at: Located): Promise<SampleKeyRecord | undefined> => {
    const handle = await open(at.file, 'r').catch(ignoreMissing);
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
  const readSingle = async (sampleId: string): Promise<SampleKeyRecord | undefined> => {
    const single = await readFile(fileOf(sampleId)).catch(ignoreMissing);
    if (!single) return undefined;
    const decoded = decodeKeyRecord(new Uint8Array(single));
    if (typeof decoded === 'string') throw new Error(decoded);
    return decoded;
  };
  /** The live batch-file copies of a sample, dropping the index entries of shredded ones. */
  const batchCopies = async (sampleId: string) => {
    const live: { at: Located; record: SampleKeyRecord }[] = [];
    for (const at of located.get(sampleId) ?? []) {
      const record = await readRecord(sampleId, at);
      if (record) live.push({ at, record });
    }
    if (live.length === 0) located.delete(sampleId);
    else
      located.set(
        sampleId,
        live.map((l) => l.at),
      );
    return live;
  };
  const shredRecords = async (file: string, offsets: readonly number[]) => {
    const handle = await open(file, 'r+').catch(ignoreMissing);
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
  const shredFile = async (file: string) => {
    const handle = await open(file, 'r+').catch(ignoreMissing);
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
  const shredLocated = async (doomed: readonly Located[]) => {
    const byFile = new Map<string, number[]>();
    for (const at of doomed) byFile.set(at.file, [...(byFile.get(at.file) ?? []), at.offset]);
    for (const [file, offsets] of byFile) await shredRecords(file, offsets);
  };
  // Erasure must reach every copy, including those another process wrote since this store
  // last looked: always scan first.
  const shredAll = async (sampleIds: readonly string[]) => {
    await scan();
    const doomed: Located[] = [];
    for (const sampleId of sampleIds) {
      await shredFile(fileOf(sampleId));
      doomed.push(...(located.get(sampleId) ?? []));
      located.delete(sampleId);
    }
    await shredLocated(doomed);
  };
  /** Shreds exactly the entries' own copies (matched by data key). */
  const shredOwn = async (entries: readonly SampleKeyEntry[], singles: ReadonlySet<string>) => {
    const records: Located[] = [];
    for (const { sampleId, record } of entries) {
      if (singles.has(sampleId)) {
        const single = await readSingle(sampleId).catch(() => undefined);
        if (single && sameKey(single, record)) await shredFile(fileOf(sampleId));
      }
      for (const copy of await batchCopies(sampleId)) if (sameKey(copy.record, record)) records.push(copy.at);
    }
    await shredLocated(records);
  };
  const guard = async (operation: string, address: string, work: () => Promise<void>) => {
    try {
      await work();
      return E.right(undefined);
    } catch (e) {
      return E.left(storageError('keys', operation, address, e));
    }
  };
  const putBatch = async (entries: readonly SampleKeyEntry[], sealing?: Sealing) => {
    const file = path.join(batchDir, stampedName('.keys', sealing?.stamp));
    await ensureDir(batchDir);
    await writeDurably(file, encodeKeyBatch(entries));
    entries.forEach(({ sampleId }, i) => remember(sampleId, { file, offset: i * RECORD_BYTES }));
    seen.add(path.basename(file));
  };

  const store: KeyStore = {
    kind: 'folder',
    put: async (sampleId, record) => {
      const file = fileOf(sampleId);
      return guard('put', sampleId, async () => {
        await ensureDir(dir);
        // A one-sample file already there is another sealing's record: keep both.
        if (await writeDurably(file, encodeKeyRecord(record), true)) ownSingles.add(sampleId);
        else await putBatch([{ sampleId, record }]);
      });
    },
    putMany: async (entries, sealing) => {
      if (entries.length === 0) return E.right(undefined);
      // A batch of one keeps the one-file-per-sample layout: nothing to amortise.
      if (entries.length === 1) return store.put(entries[0]!.sampleId, entries[0]!.record);
      for (const { sampleId } of entries) assertAddress(sampleId);
      return guard('putMany', entries[0]!.sampleId, () => putBatch(entries, sealing));
    },
    get: async (sampleId) => {
      const all = await store.copies(sampleId);
      return E.map((copies: SampleKeyRecord[]) => copies[0])(all);
    },
    copies: async (sampleId, options) => {
      try {
        const single = await readSingle(sampleId);
        // A one-sample file or an indexed copy is enough for a read; a reader whose copies do not
        // open asks again with refresh.
        if (options?.refresh || !scanned || (!single && !located.has(sampleId))) await scan();
        const batched = (await batchCopies(sampleId)).map((c) => c.record);
        return E.right(single ? [single, ...batched] : batched);
      } catch (e) {
        return E.left(storageError('keys', 'copies', sampleId, e));
      }
    },
    shred: (sampleId) => guard('shred', sampleId, () => shredAll([sampleId])),
    shredMany: (sampleIds) => guard('shredMany', sampleIds[0] ?? '', () => shredAll(sampleIds)),
    // The copies to discard are this store's own: the one-sample files it created, and the
    // batch records it indexed as it wrote them.
    discard: (entries) =>
      guard('discard', entries[0]?.sampleId ?? '', async () => {
        const singles = new Set(entries.filter((e) => ownSingles.delete(e.sampleId)).map((e) => e.sampleId));
        await shredOwn(entries, singles);
      }),
    // Other sealings' copies sit in batch files another store wrote (or this one, before a crash):
    // scan, then shred the copies of older sealings (see Sealing in ./port.ts). One-sample files
    // are left alone: their name carries no sealing time. A sample with one copy known has nothing
    // to compare, so bulk ingest pays one directory listing per batch here, not a read per sample.
    retain: (entries, sealing) =>
      guard('retain', entries[0]?.sampleId ?? '', async () => {
        await scan();
        const doomed: Located[] = [];
        for (const { sampleId, record } of entries) {
          const ownSingle = ownSingles.delete(sampleId);
          if ((located.get(sampleId)?.length ?? 0) <= (ownSingle ? 0 : 1)) continue;
          const copies = await batchCopies(sampleId);
          for (const c of copies) if (!sameKey(c.record, record) && stampOf(c.at.file) < sealing.stamp) doomed.push(c.at);
        }
        await shredLocated(doomed);
      }),
    each: (visit) =>
      guard('each', '', async () => {
        const singles = ((await readdir(dir).catch(ignoreMissing)) ?? []).filter((n) => /^[0-9a-f]{64}\.key$/.test(n));
        for (const name of singles) {
          const sampleId = name.slice(0, 64);
          const record = await readSingle(sampleId).catch(() => undefined);
          if (record) visit({ sampleId, record });
        }
        for (const name of await batchNames()) {
          const bytes = await readFile(path.join(batchDir, name)).catch(ignoreMissing);
          if (bytes) for (const r of liveKeyRecords(bytes)) visit({ sampleId: r.sampleId, record: r.record });
        }
      }),
  };
  return store;
}
