// What the samples check holds per sample, packed into typed arrays: on a long log a JavaScript
// object or string per sample (a Map of hex ids, a key record each) is most of what the check
// keeps alive, and what the garbage collector sizes its heap from.
import { randomBytes } from 'node:crypto';
import type { SampleKeyRecord } from './key-store/port.js';

const ID_BYTES = 32;
const KEY_BYTES = 32;
const EMPTY = -1;

const nibble = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1);

/**
 * Writes the id's bytes into `into` when it is an event id as the log writes them (SHA-256 in
 * lowercase hex); false for anything else, which is kept aside as a string. One pass over the
 * characters: every blob and key copy read is looked up this way.
 */
function parseId(id: string, into: Uint8Array): boolean {
  if (id.length !== ID_BYTES * 2) return false;
  for (let i = 0; i < ID_BYTES; i++) {
    const high = nibble(id.charCodeAt(2 * i));
    const low = nibble(id.charCodeAt(2 * i + 1));
    if ((high | low) < 0) return false;
    into[i] = (high << 4) | low;
  }
  return true;
}

/**
 * The ids of the logged samples, each numbered by its place in the log (0, 1, … in the order
 * first added), with the position of its event. An id is held as its 32 bytes in one growing
 * array, found through an open-addressing table of numbers. Ids are SHA-256 outputs, so their
 * first bytes hash well; they are mixed with a per-process seed so that ids ground to share
 * low bits cannot turn every lookup into a long probe.
 */
export class SampleIdTable {
  private ids = new Uint8Array(1024 * ID_BYTES);
  private positions = new Float64Array(1024);
  private slots = new Int32Array(2048).fill(EMPTY);
  /** Ids the log gave in another form than lowercase hex (kept exactly, never matched to hex). */
  private readonly oddIds = new Map<string, number>();
  private readonly oddAt = new Map<number, string>();
  private readonly scratch = new Uint8Array(ID_BYTES);
  private readonly seed = ((r: Buffer) => [r.readUInt32LE(0), r.readUInt32LE(4)] as const)(randomBytes(8));
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The number of the sample with this id, or -1. */
  find(id: string): number {
    if (!parseId(id, this.scratch)) return this.oddIds.get(id) ?? EMPTY;
    return this.slots[this.probe(this.scratch, 0)]!;
  }

  /** Adds the id (once: an id added again keeps its first number) and answers its number. */
  add(id: string, position: number): number {
    if (!parseId(id, this.scratch)) {
      const known = this.oddIds.get(id);
      if (known !== undefined) return known;
      const at = this.append(position);
      this.oddIds.set(id, at);
      this.oddAt.set(at, id);
      return at;
    }
    const slot = this.probe(this.scratch, 0);
    const known = this.slots[slot]!;
    if (known !== EMPTY) return known;
    const at = this.append(position);
    this.ids.set(this.scratch, at * ID_BYTES);
    this.slots[slot] = at;
    if ((this.count - this.oddIds.size) * 2 > this.slots.length) this.rehash();
    return at;
  }

  idAt(at: number): string {
    return this.oddAt.get(at) ?? Buffer.from(this.ids.buffer, this.ids.byteOffset + at * ID_BYTES, ID_BYTES).toString('hex');
  }

  /** The log position of the sample's event, or NaN when it was not given. */
  positionAt(at: number): number {
    return this.positions[at]!;
  }

  private append(position: number): number {
    if (this.count === this.positions.length) {
      const ids = new Uint8Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const positions = new Float64Array(this.positions.length * 2);
      positions.set(this.positions);
      this.positions = positions;
    }
    this.positions[this.count] = position;
    return this.count++;
  }

  private hash(bytes: Uint8Array, offset: number): number {
    const a = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) ^ this.seed[0];
    const b = (bytes[offset + 4]! | (bytes[offset + 5]! << 8) | (bytes[offset + 6]! << 16) | (bytes[offset + 7]! << 24)) ^ this.seed[1];
    const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ (a >>> 15), 0x85ebca6b);
    return h ^ (h >>> 16);
  }

  /** The slot holding these 32 bytes, or the empty slot where they would go. */
  private probe(bytes: Uint8Array, offset: number): number {
    const mask = this.slots.length - 1;
    for (let slot = this.hash(bytes, offset) & mask; ; slot = (slot + 1) & mask) {
      const at = this.slots[slot]!;
      if (at === EMPTY || this.equal(at, bytes, offset)) return slot;
    }
  }

  private equal(at: number, bytes: Uint8Array, offset: number): boolean {
    const ids = this.ids;
    const from = at * ID_BYTES;
    for (let i = 0; i < ID_BYTES; i++) if (ids[from + i] !== bytes[offset + i]) return false;
    return true;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    for (let at = 0; at < this.count; at++) {
      if (this.oddAt.has(at)) continue;
      this.slots[this.probe(this.ids, at * ID_BYTES)] = at;
    }
  }
}

const NONE = 0;
const PACKED = 1;
const ASIDE = 2;

/**
 * The key copies of `count` samples, by number. Nearly every sample has one copy of a bare
 * 32-byte data key: that is held packed, 32 bytes a sample in one array. A salt (personal data),
 * a second copy or a key of another length is rare, and held aside as records. Every key is
 * copied in, so no buffer a key store read a file into is kept alive through a key.
 */
export class SampleKeys {
  private readonly packed: Uint8Array;
  private readonly state: Uint8Array;
  private readonly aside = new Map<number, SampleKeyRecord[]>();

  constructor(count: number) {
    this.packed = new Uint8Array(count * KEY_BYTES);
    this.state = new Uint8Array(count);
  }

  add(at: number, record: SampleKeyRecord): void {
    const state = this.state[at];
    if (state === NONE && record.salt === undefined && record.dataKey.length === KEY_BYTES) {
      this.packed.set(record.dataKey, at * KEY_BYTES);
      this.state[at] = PACKED;
      return;
    }
    const copy: SampleKeyRecord =
      record.salt === undefined
        ? { dataKey: Uint8Array.from(record.dataKey) }
        : { dataKey: Uint8Array.from(record.dataKey), salt: Uint8Array.from(record.salt) };
    const held = state === ASIDE ? this.aside.get(at)! : state === PACKED ? [this.packedAt(at)] : [];
    held.push(copy);
    this.aside.set(at, held);
    this.state[at] = ASIDE;
  }

  has(at: number): boolean {
    return this.state[at] !== NONE;
  }

  /** The copies in the order the store gave them. */
  of(at: number): readonly SampleKeyRecord[] {
    const state = this.state[at];
    return state === PACKED ? [this.packedAt(at)] : state === ASIDE ? this.aside.get(at)! : [];
  }

  private packedAt(at: number): SampleKeyRecord {
    return { dataKey: this.packed.subarray(at * KEY_BYTES, (at + 1) * KEY_BYTES) };
  }
}
