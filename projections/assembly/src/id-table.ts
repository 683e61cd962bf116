// A string → index table for millions of ids. A Map keyed by 64-char strings rehashes and
// compares whole strings; ids here are SHA-256 hex, uniformly spread, so 32 bits read from
// their first 8 characters make a good open-addressing hash (other strings fall back to FNV-1a).
// It doubles when half full, so the live index can grow it one CF at a time.

/** The one question assembly asks of an id table. */
export interface IdLookup {
  /** The index given to `key`, or -1. */
  get(key: string): number;
}

export class IdTable implements IdLookup {
  private slots: Int32Array;
  private mask: number;
  private readonly keys: string[] = [];

  constructor(expected: number) {
    let size = 1024;
    while (size < expected * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The key given index `i` (the same string instance that was interned). */
  keyAt(i: number): string | undefined {
    return this.keys[i];
  }

  /** The index given to `key`, or -1. */
  get(key: string): number {
    for (let s = hashOf(key) & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.slots[s]!;
      if (v === 0) return -1;
      if (this.keys[v - 1] === key) return v - 1;
    }
  }

  /** Index of `key`, adding it (as the next index) when absent. */
  intern(key: string): number {
    for (let s = hashOf(key) & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.slots[s]!;
      if (v === 0) {
        if (this.keys.length * 2 >= this.slots.length) {
          this.grow();
          return this.intern(key);
        }
        this.keys.push(key);
        this.slots[s] = this.keys.length;
        return this.keys.length - 1;
      }
      if (this.keys[v - 1] === key) return v - 1;
    }
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let k = 0; k < this.keys.length; k++) {
      let s = hashOf(this.keys[k]!) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = k + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function hashOf(key: string): number {
  if (key.length === 64) {
    let h = 0;
    let ok = true;
    for (let i = 0; i < 8; i++) {
      const v = hexNibble(key.charCodeAt(i));
      if (v < 0) {
        ok = false;
        break;
      }
      h = (h << 4) | v;
    }
    if (ok) return h >>> 0;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
