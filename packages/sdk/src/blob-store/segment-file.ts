// The on-disk form of a blob segment, written by the folder BlobStore's putMany: one file per
// ingest batch, fsync'd once, instead of one fsync'd file per sample. A header indexes the
// blobs so a reader finds one without reading the others' bytes:
//   segment = count (u32 LE) ‖ count × (address (32) ‖ length (u32 LE)) ‖ the blobs, in header order
// Dropping a blob overwrites its bytes in place with random bytes and its header address with
// zeros (a tombstone), so no slot ever moves: another store's index of the segment stays right,
// and the dropped ciphertext is overwritten rather than left in blocks a rewrite would free.
export interface SegmentEntry {
  readonly address: string;
  readonly ciphertext: Uint8Array;
}

export interface SegmentSlot {
  readonly address: string;
  /** The slot's place in the header. */
  readonly index: number;
  readonly offset: number;
  readonly length: number;
}

const ENTRY_BYTES = 36;
const TOMBSTONE = '0'.repeat(64);

/** Where a slot's header address is: what dropping the slot zeroes. */
export function headerEntryOffset(index: number): number {
  return 4 + index * ENTRY_BYTES;
}

export const ADDRESS_BYTES = 32;

export function headerBytes(count: number): number {
  return 4 + count * ENTRY_BYTES;
}

export function encodeSegment(entries: readonly SegmentEntry[]): Uint8Array {
  const bodies = entries.reduce((n, e) => n + e.ciphertext.length, 0);
  const out = Buffer.alloc(headerBytes(entries.length) + bodies);
  out.writeUInt32LE(entries.length, 0);
  let at = headerBytes(entries.length);
  entries.forEach(({ address, ciphertext }, i) => {
    const h = 4 + i * ENTRY_BYTES;
    out.write(address, h, 'hex');
    out.writeUInt32LE(ciphertext.length, h + 32);
    out.set(ciphertext, at);
    at += ciphertext.length;
  });
  return out;
}

/** The live slots a header describes; `header` must hold at least the first headerBytes(count) bytes. */
export function segmentSlots(header: Uint8Array): SegmentSlot[] {
  const b = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  const count = b.readUInt32LE(0);
  const slots: SegmentSlot[] = [];
  let at = headerBytes(count);
  for (let i = 0; i < count; i++) {
    const h = 4 + i * ENTRY_BYTES;
    const length = b.readUInt32LE(h + 32);
    const address = b.toString('hex', h, h + 32);
    if (address !== TOMBSTONE) slots.push({ address, index: i, offset: at, length });
    at += length;
  }
  return slots;
}
