// A small seeded PRNG for deterministic test data: mulberry32 (T. Ettinger), with Box–Muller
// normals. Not for anything that needs unpredictability.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    int: (n) => Math.floor(next() * n),
  };
}

/** `count` subsets of [0, n), each of exactly round(fraction·n) members, as 0/1 masks. */
export function randomSubsets(n: number, count: number, fraction: number, seed: number): Uint8Array[] {
  const rng = seededRng(seed);
  const size = Math.round(fraction * n);
  const idx = Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, () => {
    for (let i = 0; i < size; i++) {
      const j = i + rng.int(n - i);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const mask = new Uint8Array(n);
    for (let i = 0; i < size; i++) mask[idx[i]!] = 1;
    return mask;
  });
}
