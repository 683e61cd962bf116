// A bump allocator over the kernel's shared WebAssembly.Memory. Every operation resets it,
// lays out its inputs, scratch and outputs, and copies results out before the next one runs
// (the Kernel serialises operations), so there is no free list and nothing to leak.

const PAGE = 65536;
const BASE = 4096; // keep address 0 and its neighbours unused, so a null pointer is never data
const MAX_BYTES = 65536 * PAGE; // wasm32: 4 GiB

export class Arena {
  private top = BASE;

  constructor(readonly memory: WebAssembly.Memory) {}

  reset(): void {
    this.top = BASE;
  }

  /** Reserves `bytes` (64-byte aligned, so vectors and cache lines line up) and returns the address. */
  alloc(bytes: number): number {
    const at = Math.ceil(this.top / 64) * 64;
    const end = at + Math.max(0, bytes);
    if (end > MAX_BYTES) throw new RangeError(`kernel: operation needs ${end} bytes of linear memory, more than wasm32's 4 GiB`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return at;
  }

  f32(at: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, length);
  }

  f64(at: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, at, length);
  }

  i32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length);
  }

  /** Copies `src` in and returns its address. */
  putF32(src: Float32Array): number {
    const at = this.alloc(src.byteLength);
    this.f32(at, src.length).set(src);
    return at;
  }

  putF64(src: Float64Array): number {
    const at = this.alloc(src.byteLength);
    this.f64(at, src.length).set(src);
    return at;
  }

  putI32(src: Int32Array): number {
    const at = this.alloc(src.byteLength);
    this.i32(at, src.length).set(src);
    return at;
  }
}
