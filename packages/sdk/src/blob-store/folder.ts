// A BlobStore in a local folder (default <ledger dir>/blobs). A single put writes one file per
// sample, fanned out by the first two hex digits so no directory grows past a few thousand
// entries; putMany (bulk ingest) writes one segment file per batch under segments/, fsync'd once
// (./segment-file.ts), because an fsync per sample was the ceiling of folder-backed ingest.
// Writes go to a temporary name and are moved into place, so a crash never leaves a
// half-written blob or segment. Nothing is ever replaced (see ./port.ts): a one-sample file is
// created exclusively, a second put for the same address goes to a segment of its own, and
// dropping a blob from a segment overwrites it in place (a tombstone), never rewriting the file.
import { link, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { mkdirDurably, syncDir } from '../durable-dir.js';
import * as E from 'fp-ts/lib/Either.js';
import { storageError, type BlobEntry, type BlobStore } from './port.js';
import type { Sealing } from '../key-store/port.js';
import { assertAddress } from './address.js';
import { ADDRESS_BYTES, encodeSegment, headerBytes, headerEntryOffset, segmentSlots, type SegmentSlot } from './segment-file.js';
import { stampedName, stampOf } from './stamped-name.js';
import { isSha256Hex } from '@cairn/core';

interface Located extends SegmentSlot {
  readonly file: string;
}

const ignoreMissing = (e: NodeJS.ErrnoException) => {
  if (e.code === 'ENOENT') return undefined;
  throw e;
};

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** Writes the file whole and flushed; `exclusive` refuses (answers false) when it already exists. */
async function writeDurably(file: string, bytes: Uint8Array, exclusive = false): Promise<boolean> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, bytes, { flush: true });
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

/** Overwrites a whole file with random bytes, flushes, and unlinks it. */
async function overwriteAndRemove(file: string): Promise<void> {
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
  // Where each segment blob is (every copy of an address): built by reading segment headers on
  // the first miss; a later scan reads only the headers of segments this store has not seen
  // (written since by another store on the same folder). Slots never move, so an index entry
  // stays right; a read checks the slot is not dropped since.
  const located = new Map<string, Located[]>();
  const seen = new Set<string>();
  // One-sample files this store wrote: retain's own copy is there, not in the index.
  const ownSingles = new Set<string>();
  const remember = (file: string, slots: readonly SegmentSlot[]) => {
    for (const s of slots) {
      const known = located.get(s.address);
      if (!known) located.set(s.address, [{ ...s, file }]);
      else if (!known.some((k) => k.file === file && k.index === s.index)) known.push({ ...s, file });
    }
    seen.add(path.basename(file));
  };
  const segmentNames = async () => ((await readdir(segmentDir).catch(ignoreMissing)) ?? []).filter((n) => n.endsWith('.seg'));
  let scanned = false;
  const scan = async () => {
    scanned = true;
    for (const name of (await segmentNames()).filter((n) => !seen.has(n))) {
      const file = path.join(segmentDir, name);
      const slots = await readSlots(file);
      if (slots) remember(file, slots);
    }
  };
  const readSlot = async (at: Located): Promise<Uint8Array | undefined> => {
    const handle = await open(at.file, 'r').catch(ignoreMissing);
    if (!handle) return undefined;
    try {
      const address = Buffer.alloc(ADDRESS_BYTES);
      await handle.read(address, 0, ADDRESS_BYTES, headerEntryOffset(at.index));
      if (address.toString('hex') !== at.address) return undefined;
      const bytes = new Uint8Array(at.length);
      await handle.read(bytes, 0, at.length, at.offset);
      return bytes;
    } finally {
      await handle.close();
    }
  };
  /** The live segment copies of an address, dropping the index entries of dropped ones. */
  const segmentCopies = async (address: string) => {
    const live: { at: Located; ciphertext: Uint8Array }[] = [];
    for (const at of located.get(address) ?? []) {
      const ciphertext = await readSlot(at);
      if (ciphertext) live.push({ at, ciphertext });
    }
    if (live.length === 0) located.delete(address);
    else
      located.set(
        address,
        live.map((l) => l.at),
      );
    return live;
  };
  const dropSlots = async (file: string, slots: readonly Located[]) => {
    const handle = await open(file, 'r+').catch(ignoreMissing);
    if (!handle) return;
    let live: boolean;
    try {
      for (const slot of slots) {
        await handle.write(randomBytes(slot.length), 0, slot.length, slot.offset);
        await handle.write(new Uint8Array(ADDRESS_BYTES), 0, ADDRESS_BYTES, headerEntryOffset(slot.index));
      }
      await handle.sync();
      live = segmentSlots(await handle.readFile()).length > 0;
    } finally {
      await handle.close();
    }
    if (!live) await rm(file, { force: true });
  };
  const dropLocated = async (doomed: readonly Located[]) => {
    const byFile = new Map<string, Located[]>();
    for (const at of doomed) byFile.set(at.file, [...(byFile.get(at.file) ?? []), at]);
    for (const [file, slots] of byFile) await dropSlots(file, slots);
  };
  // Erasure must reach every copy, including those another process wrote since this store last
  // looked: always scan first.
  const deleteAll = async (addresses: readonly string[]) => {
    await scan();
    const doomed: Located[] = [];
    for (const address of addresses) {
      await overwriteAndRemove(fileOf(address));
      doomed.push(...(located.get(address) ?? []));
      located.delete(address);
    }
    await dropLocated(doomed);
  };
  /** Drops exactly the entries' own copies (matched by bytes). */
  const dropOwn = async (entries: readonly BlobEntry[], singles: ReadonlySet<string>) => {
    const slots: Located[] = [];
    for (const { address, ciphertext } of entries) {
      if (singles.has(address)) {
        const single = await readFile(fileOf(address)).catch(ignoreMissing);
        if (single && same(single, ciphertext)) await overwriteAndRemove(fileOf(address));
      }
      for (const copy of await segmentCopies(address)) if (same(copy.ciphertext, ciphertext)) slots.push(copy.at);
    }
    await dropLocated(slots);
  };
  const guard = async (operation: string, address: string, work: () => Promise<void>) => {
    try {
      await work();
      return E.right(undefined);
    } catch (e) {
      return E.left(storageError('blobs', operation, address, e));
    }
  };
  const putSegment = async (entries: readonly BlobEntry[], sealing?: Sealing) => {
    const file = path.join(segmentDir, stampedName('.seg', sealing?.stamp));
    await ensureDir(segmentDir);
    const segment = encodeSegment(entries);
    await writeDurably(file, segment);
    remember(file, segmentSlots(segment));
  };

  const store: BlobStore = {
    kind: 'folder',
    put: async (address, ciphertext) => {
      const file = fileOf(address);
      return guard('put', address, async () => {
        await ensureDir(path.dirname(file));
        // A one-sample file already there is another sealing's ciphertext: keep both.
        if (await writeDurably(file, ciphertext, true)) ownSingles.add(address);
        else await putSegment([{ address, ciphertext }]);
      });
    },
    putMany: async (entries, sealing) => {
      if (entries.length === 0) return E.right(undefined);
      // A batch of one keeps the one-file-per-sample layout: nothing to amortise.
      if (entries.length === 1) return store.put(entries[0]!.address, entries[0]!.ciphertext);
      for (const { address } of entries) assertAddress(address);
      return guard('putMany', entries[0]!.address, () => putSegment(entries, sealing));
    },
    get: async (address) => E.map((copies: Uint8Array[]) => copies[0])(await store.copies(address)),
    copies: async (address, options) => {
      try {
        const single = await readFile(fileOf(address)).catch(ignoreMissing);
        // A one-sample file or an indexed copy is enough for a read; a reader whose copies do not
        // open asks again with refresh.
        if (options?.refresh || !scanned || (!single && !located.has(address))) await scan();
        const segmented = (await segmentCopies(address)).map((c) => c.ciphertext);
        return E.right(single ? [new Uint8Array(single), ...segmented] : segmented);
      } catch (e) {
        return E.left(storageError('blobs', 'copies', address, e));
      }
    },
    delete: (address) => guard('delete', address, () => deleteAll([address])),
    deleteMany: (addresses) => guard('deleteMany', addresses[0] ?? '', () => deleteAll(addresses)),
    // The copies to discard are this store's own: the one-sample files it created, and the
    // segment slots it indexed as it wrote them.
    discard: (entries) =>
      guard('discard', entries[0]?.address ?? '', async () => {
        const singles = new Set(entries.filter((e) => ownSingles.delete(e.address)).map((e) => e.address));
        await dropOwn(entries, singles);
      }),
    // As the key store's retain: the segment copies of older sealings go, one-sample files stay.
    retain: (entries, sealing) =>
      guard('retain', entries[0]?.address ?? '', async () => {
        await scan();
        const doomed: Located[] = [];
        for (const { address, ciphertext } of entries) {
          const ownSingle = ownSingles.delete(address);
          if ((located.get(address)?.length ?? 0) <= (ownSingle ? 0 : 1)) continue;
          const copies = await segmentCopies(address);
          for (const c of copies) if (!same(c.ciphertext, ciphertext) && stampOf(c.at.file) < sealing.stamp) doomed.push(c.at);
        }
        await dropLocated(doomed);
      }),
    each: (visit) =>
      guard('each', '', async () => {
        const fans = ((await readdir(dir).catch(ignoreMissing)) ?? []).filter((n) => /^[0-9a-f]{2}$/.test(n));
        for (const fan of fans) {
          for (const name of ((await readdir(path.join(dir, fan)).catch(ignoreMissing)) ?? []).filter((n) => isSha256Hex(n))) {
            const ciphertext = await readFile(path.join(dir, fan, name)).catch(ignoreMissing);
            if (ciphertext) await visit({ address: name, ciphertext: new Uint8Array(ciphertext) });
          }
        }
        for (const name of await segmentNames()) {
          const bytes = await readFile(path.join(segmentDir, name)).catch(ignoreMissing);
          if (!bytes) continue;
          for (const s of segmentSlots(bytes))
            await visit({ address: s.address, ciphertext: new Uint8Array(bytes.subarray(s.offset, s.offset + s.length)) });
        }
      }),
  };
  return store;
}
