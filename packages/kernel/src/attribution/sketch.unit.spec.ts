import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadKernel, type Kernel } from '../kernel/kernel.js';
import { bytesOf, randomMatrix } from '../test-support/fixtures.js';

function norms(data: Float32Array, rows: number, cols: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let j = 0; j < cols; j++) s += data[r * cols + j]! ** 2;
    return s;
  });
}

describe('the seeded sparse JL sketch', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await loadKernel({ threads: 1 });
  });
  afterAll(() => kernel.close());

  it('given dense vectors, when projected 2048 → 512, then squared norms keep within the JL distortion', async () => {
    // For this sketch E‖Sx‖² = ‖x‖² and Var ≤ 2‖x‖⁴/k (Kane & Nelson 2014), so with k = 512 the
    // relative error has σ ≤ 0.0625; 300 rows stay within 5σ = 0.31, the mean within 0.02.
    const x = randomMatrix(300, 2048, 5);
    const y = await kernel.sketch(x, { seed: 1234, outputDim: 512 });
    const before = norms(x.data, 300, 2048);
    const after = norms(y.data, 300, 512);
    const ratios = after.map((a, i) => a / before[i]!);
    for (const r of ratios) expect(Math.abs(r - 1)).toBeLessThan(0.31);
    expect(Math.abs(ratios.reduce((a, b) => a + b, 0) / ratios.length - 1)).toBeLessThan(0.02);
  });

  it('given a one-hot vector, when projected, then its norm is kept exactly (s entries of 1/√s)', async () => {
    const x = randomMatrix(1, 64, 1);
    x.data.fill(0);
    x.data[17] = 1;
    const y = await kernel.sketch(x, { seed: 7, outputDim: 32, nonzeros: 4 });
    expect(norms(y.data, 1, 32)[0]).toBe(1);
  });

  it('given two seeds, when projecting the same data, then the projections differ; the same seed repeats', async () => {
    const x = randomMatrix(4, 100, 2);
    const a = await kernel.sketch(x, { seed: 1, outputDim: 16 });
    const b = await kernel.sketch(x, { seed: 2, outputDim: 16 });
    const a2 = await kernel.sketch(x, { seed: 1, outputDim: 16 });
    expect(bytesOf(a.data).equals(bytesOf(b.data))).toBe(false);
    expect(bytesOf(a.data).equals(bytesOf(a2.data))).toBe(true);
  });

  it('given a bad seed or dimension, when projecting, then the error names the field', async () => {
    const x = randomMatrix(1, 4, 1);
    await expect(kernel.sketch(x, { seed: -1, outputDim: 4 })).rejects.toThrow(/sketch.seed/);
    await expect(kernel.sketch(x, { seed: 1, outputDim: 0 })).rejects.toThrow(/sketch.outputDim/);
  });
});
