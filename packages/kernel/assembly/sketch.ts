// Seeded sparse Johnson–Lindenstrauss sketch (the block construction of Kane & Nelson,
// "Sparser Johnson–Lindenstrauss Transforms", J. ACM 2014): the k outputs are cut into s
// blocks; input coordinate i lands in exactly one output of each block, with a random sign and
// weight 1/√s. The (position, weight) of (i, block) comes from a counter-based hash of
// (seed, i, block), so the d×k matrix is never materialised: the d×s table below is all there
// is, and it is the same on every machine.

/** lowbias32 (C. Wellons, "Prospecting for hash functions", 2018): a 32-bit bijective mixer. */
@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

/** Counter-based hash of (seed, row, col): one independent-looking u32 per matrix entry. */
@inline export function entryHash(seed: u32, row: u32, col: u32): u32 {
  return mix32(mix32(mix32(seed ^ 0x9e3779b9) ^ row) ^ (col * 0x85ebca6b));
}

/**
 * Fills the d×s table at `table` with (i32 position, f32 weight) pairs: block b spans outputs
 * [⌊b·k/s⌋, ⌊(b+1)·k/s⌋); the hash's low bit is the sign, the rest picks the slot.
 */
export function sketchTable(seed: u32, d: i32, k: i32, s: i32, weight: f32, table: usize): void {
  for (let i = 0; i < d; i++) {
    for (let b = 0; b < s; b++) {
      const h = entryHash(seed, <u32>i, <u32>b);
      const start = <i32>((<i64>b * <i64>k) / <i64>s);
      const size = <i32>((<i64>(b + 1) * <i64>k) / <i64>s) - start;
      const slot = <i32>((<u64>(h >>> 1) * <u64>size) >>> 31);
      const at = table + (<usize>(i * s + b) << 3);
      store<i32>(at, start + slot);
      store<f32>(at, (h & 1) != 0 ? -weight : weight, 4);
    }
  }
}

/**
 * Rows [r0, r1) of Y = X·S: y[j] = Σ_i x[i]·w(i, j) in ascending i from +0, each product
 * rounded to f32 then added (X is n×d, Y is n×k, both row-major f32).
 */
export function sketchRows(x: usize, d: i32, y: usize, k: i32, s: i32, table: usize, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const xr = x + (<usize>r * <usize>d << 2);
    const yr = y + (<usize>r * <usize>k << 2);
    memory.fill(yr, 0, <usize>k << 2);
    let t = table;
    for (let i = 0; i < d; i++) {
      const v = load<f32>(xr + (<usize>i << 2));
      for (let b = 0; b < s; b++) {
        const at = yr + (<usize>load<i32>(t) << 2);
        store<f32>(at, load<f32>(at) + v * load<f32>(t, 4));
        t += 8;
      }
    }
  }
}
