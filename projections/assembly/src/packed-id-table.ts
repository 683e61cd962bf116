// An id → index table that keeps each 64-char hex id as its 32 bytes. A live index holds every CF
// id and sample commitment of the log for the life of the process, and a 64-char string costs 80
// bytes plus a pointer in V8: at a million CFs the strings alone were a few hundred MB. Keys that
// are not lowercase hex (never seen from the ledger, which only makes SHA-256 ids) keep their string.
import { Growable } from './growable.js';
import { writeHex32 } from './hex.js';
import type { IdLookup } from './id-table.js';

export class PackedIdTable implements IdLookup {
  private slots = new Int32Array(1024);
  private mask = 1023;
  private readonly bytes = new Growable(Uint8Array, 32 * 1024);
  private readonly others = new Map<string, number>();
  private readonly otherKeys = new Map<number, string>();
  private count = 0;
  private readonly probe = new Uint8Array(32);
  // one Buffer over the bytes for hex output: a Buffer per call would cost more than the conversion
  private text: Buffer = Buffer.alloc(0);

  get size(): number {
    return this.count;
  }

  /** Makes room for `n` ids in all, so a bulk load does not rehash and copy on the way. */
  reserve(n: number): void {
    this.bytes.reserve(32 * n - this.bytes.length);
    while (this.slots.length < 2 * n + 2) this.grow();
  }

  /** The index given to `key`, or -1. */
  get(key: string): number {
    if (!writeHex32(key, this.probe, 0)) return this.others.get(key) ?? -1;
    const slot = this.find(this.probe);
    return slot < 0 ? -1 : this.slots[slot]! - 1;
  }

  /** Index of `key`, adding it (as the next index) when absent. */
  intern(key: string): number {
    if (!writeHex32(key, this.probe, 0)) {
      const known = this.others.get(key);
      if (known !== undefined) return known;
      this.others.set(key, this.count);
      this.otherKeys.set(this.count, key);
      return this.append(null);
    }
    const slot = this.find(this.probe);
    if (slot < 0) return this.append(~slot);
    return this.slots[slot]! - 1;
  }

  /** The key given index `i`, as a fresh string. */
  keyAt(i: number): string | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const data = this.bytes.data;
    if (this.text.buffer !== data.buffer) this.text = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return this.otherKeys.get(i) ?? this.text.toString('hex', 32 * i, 32 * i + 32);
  }

  /** The slot holding the id in `id`, or ~(the empty slot where it would go). */
  private find(id: Uint8Array): number {
    const bytes = this.bytes.data;
    for (let s = hashOf(id, 0) & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.slots[s]!;
      if (v === 0) return ~s;
      if (equal32(bytes, 32 * (v - 1), id)) return s;
    }
  }

  private append(slot: number | null): number {
    const i = this.count++;
    this.bytes.reserve(32);
    // an id that is not hex keeps 32 zero bytes here, reached by no slot
    if (slot !== null) {
      this.bytes.data.set(this.probe, 32 * i);
      this.slots[slot] = i + 1;
    }
    this.bytes.length += 32;
    if (2 * this.count >= this.slots.length) this.grow();
    return i;
  }

  private grow(): void {
    const slots = new Int32Array(2 * this.slots.length);
    const mask = slots.length - 1;
    const bytes = this.bytes.data;
    for (let s = 0; s < this.slots.length; s++) {
      const v = this.slots[s]!;
      if (v === 0) continue;
      let t = hashOf(bytes, 32 * (v - 1)) & mask;
      while (slots[t] !== 0) t = (t + 1) & mask;
      slots[t] = v;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

// ids are SHA-256 output: their first four bytes are as good a hash as any
function hashOf(bytes: Uint8Array, off: number): number {
  return ((bytes[off]! << 24) | (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!) >>> 0;
}

function equal32(bytes: Uint8Array, off: number, id: Uint8Array): boolean {
  for (let j = 0; j < 32; j++) if (bytes[off + j] !== id[j]) return false;
  return true;
}
