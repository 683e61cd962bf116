// Typed arrays that grow by half again when full. The live index appends one entry per CF for
// millions of CFs: a plain JS array of numbers costs 8+ bytes an entry and boxes doubles, a
// typed array copied per append would be quadratic.
type Typed = Int32Array | Uint32Array | Uint8Array | Float64Array;
type TypedConstructor<TArray extends Typed> = new (length: number) => TArray;

export class Growable<TArray extends Typed> {
  data: TArray;
  length = 0;

  constructor(
    private readonly make: TypedConstructor<TArray>,
    capacity = 1024,
  ) {
    this.data = new make(capacity);
  }

  /** Room for `extra` more entries; `data` may be a new array afterwards. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    let capacity = this.data.length;
    while (capacity < need) capacity = Math.ceil(capacity * 1.5) + 16;
    const next = new this.make(capacity);
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }

  /** The first `length` entries, sharing memory (later writes to those entries show through). */
  view(): TArray {
    return this.data.subarray(0, this.length) as TArray;
  }

  /** A copy of the first `length` entries. */
  copy(): TArray {
    return this.data.slice(0, this.length) as TArray;
  }
}
