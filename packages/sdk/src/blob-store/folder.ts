// A BlobStore in a local folder (default <ledger dir>/blobs). A single put writes one file per
// sample, fanned out by the first two hex digits so no directory grows past a few thousand
// entries; putMany (bulk ingest) writes one segment file per batch under segments/, fsync'd once
// (./segment-file.ts), because an fsync per sample was the ceiling of folder-backed ingest.
// Writes go to a temporary name and are renamed into place, so a crash never leaves a
// half-written blob or segment. Deleting a blob from a segment rewrites the segment without it.
import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { storageError, type BlobStore } from './port.js';
import { assertAddress } from './address.js';
import { mkdirDurably, syncDir } from '../durable-dir.js';
import { encodeSegment, headerBytes, segmentSlots, type SegmentSlot } from './segment-file.js';

interface Located extends SegmentSlot {
  readonly file: string;
}

const ignoreMissing = (e: NodeJS.ErrnoException) => {
  if (e.code === 'ENOENT') return undefined;
  throw e;
};

async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, bytes, { flush: true });
    await rename(tmp, file);
    await syncDir(path.dirname(file));
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

async function readSlots(file: string): Promise<SegmentSlot[] | undefined> {
  const handle = await open(file, 'r').catch(ignoreMissing);
  if (!handle) return undefined;
  try {
    const count = new Uint8Array(4);
    await handle.read(count, 0, 4, 0);
    const header = new Uint8Array(headerBytes(Buffer.from(count).readUInt32LE(0)));
    await handle.read(header, 0, header.length, 0);
    return segmentSlots(header);
  } finally {
    await handle.close();
  }
}

export function createFolderBlobStore(dir: string): BlobStore {
  const segmentDir = path.join(dir, 'segments');
  const made = new Set<string>();
  const ensureDir = async (folder: string) => {
    if (made.has(folder)) return;
    await mkdirDurably(folder);
    made.add(folder);
  };
  const fileOf = (address: string) => {
    assertAddress(address);
    return path.join(dir, address.slice(0, 2), address);
  };
  // Where each segment blob is: built by reading segment headers on the first miss; a later miss
  // reads only the headers of segments this store has not seen (written since by another store
  // on the same folder). This store re-indexes a segment it rewrites itself (dropFromSegment);
  // before, every miss (a blob put as a single file, an address that is not there) read every
  // segment header.
  const located = new Map<string, Located>();
  const seen = new Set<string>();
  const index = (file: string, slots: readonly SegmentSlot[]) => {
    slots.forEach((s) => located.set(s.address, { ...s, file }));
    seen.add(path.basename(file));
  };
  const scan = async () => {
    const names = await readdir(segmentDir).catch(ignoreMissing);
    for (const name of (names ?? []).filter((n) => n.endsWith('.seg') && !seen.has(n))) {
      const file = path.join(segmentDir, name);
      const slots = await readSlots(file);
      if (slots) index(file, slots);
    }
  };
  const locate = async (address: string): Promise<Located | undefined> => {
    if (!located.has(address)) await scan();
    return located.get(address);
  };
  const dropFromSegment = async (file: string, dropped: ReadonlySet<string>) => {
    const bytes = await readFile(file).catch(ignoreMissing);
    for (const [address, l] of located) if (l.file === file) located.delete(address);
    if (!bytes) return;
    const kept = segmentSlots(bytes)
      .filter((s) => !dropped.has(s.address))
      .map((s) => ({ address: s.address, ciphertext: bytes.subarray(s.offset, s.offset + s.length) }));
    if (kept.length === 0) {
      await rm(file, { force: true });
      return;
    }
    const rewritten = encodeSegment(kept);
    await writeDurably(file, rewritten);
    index(file, segmentSlots(rewritten));
  };
  const deleteAll = async (addresses: readonly string[]) => {
    const byFile = new Map<string, Set<string>>();
    for (const address of addresses) {
      await rm(fileOf(address), { force: true });
      const at = await locate(address);
      if (at) byFile.set(at.file, (byFile.get(at.file) ?? new Set()).add(address));
    }
    for (const [file, dropped] of byFile) await dropFromSegment(file, dropped);
  };

  const store: BlobStore = {
    kind: 'folder',
    put: async (address, ciphertext) => {
      const file = fileOf(address);
      try {
        await ensureDir(path.dirname(file));
        await writeDurably(file, ciphertext);
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('blobs', 'put', address, e));
      }
    },
    putMany: async (entries) => {
      if (entries.length === 0) return E.right(undefined);
      // A batch of one keeps the one-file-per-sample layout: nothing to amortise.
      if (entries.length === 1) return store.put(entries[0]!.address, entries[0]!.ciphertext);
      for (const { address } of entries) assertAddress(address);
      const file = path.join(segmentDir, `${randomUUID()}.seg`);
      try {
        await ensureDir(segmentDir);
        const segment = encodeSegment(entries);
        await writeDurably(file, segment);
        index(file, segmentSlots(segment));
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('blobs', 'putMany', entries[0]!.address, e));
      }
    },
    get: async (address) => {
      try {
        const single = await readFile(fileOf(address)).catch(ignoreMissing);
        if (single) return E.right(new Uint8Array(single));
        const at = await locate(address);
        if (!at) return E.right(undefined);
        const handle = await open(at.file, 'r').catch(ignoreMissing);
        if (!handle) return E.right(undefined);
        try {
          const bytes = new Uint8Array(at.length);
          await handle.read(bytes, 0, at.length, at.offset);
          return E.right(bytes);
        } finally {
          await handle.close();
        }
      } catch (e) {
        return E.left(storageError('blobs', 'get', address, e));
      }
    },
    delete: async (address) => {
      try {
        await deleteAll([address]);
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('blobs', 'delete', address, e));
      }
    },
    deleteMany: async (addresses) => {
      try {
        await deleteAll(addresses);
        return E.right(undefined);
      } catch (e) {
        return E.left(storageError('blobs', 'deleteMany', addresses[0] ?? '', e));
      }
    },
  };
  return store;
}
