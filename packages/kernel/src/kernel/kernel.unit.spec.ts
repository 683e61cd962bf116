import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { matrixF32, matrixF64 } from '../matrix.js';
import * as reference from '../reference/index.js';
import { bytesOf, FC_SEED, matrixArb, randomMatrix } from '../test-support/fixtures.js';
import { loadKernel, type Kernel } from './kernel.js';
import { simdSupported } from './load.js';

// One suite, run against both builds; each must agree with the reference bit for bit.
const variants = (['simd', 'scalar'] as const).filter((v) => v === 'scalar' || simdSupported());

describe.each(variants)('the %s kernel build', (variant) => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await loadKernel({ variant, threads: 1 });
  });
  afterAll(() => kernel.close());
  const runs = { seed: FC_SEED, numRuns: 25 };

  it('given random A and B, when multiplying A·Bᵀ, then every bit matches the reference', async () => {
    await fc.assert(
      fc.asyncProperty(matrixArb(40, 70), fc.integer({ min: 0, max: 40 }), fc.integer(), async (a, n, seed) => {
        const b = randomMatrix(n, a.cols, seed);
        expect(bytesOf((await kernel.matmulTransposed(a, b)).data)).toEqual(bytesOf(reference.matmulTransposed(a, b).data));
      }),
      runs,
    );
  });

  it('given random A and B, when multiplying A·B, then every bit matches the reference', async () => {
    await fc.assert(
      fc.asyncProperty(matrixArb(30, 40), fc.integer({ min: 0, max: 45 }), fc.integer(), async (a, n, seed) => {
        const b = randomMatrix(a.cols, n, seed);
        expect(bytesOf((await kernel.matmul(a, b)).data)).toEqual(bytesOf(reference.matmul(a, b).data));
      }),
      runs,
    );
  });

  it('given a product bigger than one cache block, when multiplied, then it still matches the reference', async () => {
    const a = randomMatrix(133, 517, 1); // > KC inner, MC rows, not multiples of the tile
    const b = randomMatrix(61, 517, 2);
    expect(bytesOf((await kernel.matmulTransposed(a, b)).data)).toEqual(bytesOf(reference.matmulTransposed(a, b).data));
  });

  it('given an empty inner dimension, when multiplied, then the product is all +0', async () => {
    const c = await kernel.matmulTransposed(matrixF32(3, 0), matrixF32(5, 0));
    expect(c.rows * c.cols).toBe(15);
    expect(c.data.every((v) => Object.is(v, 0))).toBe(true);
  });

  it('given random X, when forming XᵀX, then the f64 Gram matrix matches the reference bit for bit', async () => {
    await fc.assert(
      fc.asyncProperty(matrixArb(300, 23), async (x) => {
        expect(bytesOf((await kernel.gram(x)).data)).toEqual(bytesOf(reference.gram(x).data));
      }),
      runs,
    );
  });

  it('given a Gram matrix, when factored and solved, then L and the solutions match the reference', async () => {
    await fc.assert(
      fc.asyncProperty(matrixArb(60, 20, 1), fc.integer({ min: 0, max: 70 }), fc.integer(), async (x, m, seed) => {
        const g = reference.gram(x);
        const l = await kernel.cholesky(g, 0.25);
        const lr = reference.cholesky(g, 0.25);
        if (E.isLeft(l) || E.isLeft(lr)) throw new Error('ridge 0.25 must make G SPD');
        expect(bytesOf(l.right.data)).toEqual(bytesOf(lr.right.data));
        const q = randomMatrix(m, x.cols, seed);
        expect(bytesOf((await kernel.choleskySolveRows(l.right, q)).data)).toEqual(bytesOf(reference.choleskySolveRows(lr.right, q).data));
      }),
      runs,
    );
  });

  it('given an ill-conditioned (rank-deficient) Gram matrix, when factored without ridge it fails, with ridge it solves', async () => {
    const base = randomMatrix(50, 3, 7);
    // Eight columns spanned by three: G has rank 3, condition number infinite.
    const x = matrixF32(
      50,
      8,
      Float32Array.from({ length: 400 }, (_, i) => base.data[Math.floor(i / 8) * 3 + ((i % 8) % 3)]! * (1 + (i % 8))),
    );
    const g = await kernel.gram(x);
    const bare = await kernel.cholesky(g, 0);
    expect(E.isLeft(bare) && bare.left._tag).toBe('NotPositiveDefinite');
    const ridged = await kernel.cholesky(g, 1e-3);
    if (E.isLeft(ridged)) throw new Error(ridged.left.reason);
    const rhs = randomMatrix(1, 8, 9);
    const sol = await kernel.choleskySolveRows(ridged.right, rhs);
    // (G + λI)·x reproduces the right-hand side, up to the f32 rounding of x (2^-24 relative,
    // amplified by at most Σ_j |G_ij·x_j|: the system itself is solved in f64).
    for (let i = 0; i < 8; i++) {
      let s = 1e-3 * sol.data[i]!;
      let scale = Math.abs(s);
      for (let j = 0; j < 8; j++) {
        s += g.data[i * 8 + j]! * sol.data[j]!;
        scale += Math.abs(g.data[i * 8 + j]! * sol.data[j]!);
      }
      expect(Math.abs(s - rhs.data[i]!)).toBeLessThan(1e-6 * scale + 1e-9);
    }
  });

  it('given random X, when sketched, then it matches the reference for any seed, k and sparsity', async () => {
    await fc.assert(
      fc.asyncProperty(
        matrixArb(20, 50),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        async (x, outputDim, nonzeros, seed) => {
          const p = { seed: seed >>> 0, outputDim, nonzeros };
          expect(bytesOf((await kernel.sketch(x, p)).data)).toEqual(bytesOf(reference.sketch(x, p).data));
        },
      ),
      runs,
    );
  });

  it('given scores with ties, NaN and ±0, when ranked, then top-k matches the reference order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.constantFrom(1, 2, 0, -0, -1, Number.NaN, 3.5, Infinity), { minLength: 0, maxLength: 60 }),
        fc.integer({ min: 0, max: 12 }),
        async (rows, pool, k) => {
          const cols = rows === 0 ? pool.length : Math.floor(pool.length / rows);
          const s = matrixF32(rows, cols, Float32Array.from(pool.slice(0, rows * cols)));
          const got = await kernel.topK(s, k);
          const want = reference.topK(s, k);
          expect(got.k).toBe(want.k);
          expect(Array.from(got.indices)).toEqual(Array.from(want.indices));
          expect(bytesOf(got.scores)).toEqual(bytesOf(want.scores));
        },
      ),
      runs,
    );
  });

  it('given queries and train rows, when scored, then top-k and per-train sums match the reference', async () => {
    const q = randomMatrix(37, 29, 3);
    const t = randomMatrix(211, 29, 4);
    const got = await kernel.scoreTopK(q, t, 1);
    const want = reference.scoreTopK(q, t, 1);
    expect(Array.from(got.topK.indices)).toEqual(Array.from(want.topK.indices));
    expect(bytesOf(got.topK.scores)).toEqual(bytesOf(want.topK.scores));
    expect(bytesOf(got.columnSums)).toEqual(bytesOf(want.columnSums));
  });

  it('given train and test points, when valued, then distances and KNN-Shapley match the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        matrixArb(30, 11, 1),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer(),
        async (train, m, K, seed) => {
          const test = randomMatrix(m, train.cols, seed);
          const yTrain = Int32Array.from({ length: train.rows }, (_, i) => (i * 7 + seed) % 3);
          const yTest = Int32Array.from({ length: m }, (_, i) => (i + seed) % 3);
          expect(bytesOf((await kernel.squaredDistances(train, test)).data)).toEqual(bytesOf(reference.squaredDistances(train, test).data));
          expect(bytesOf(await kernel.knnShapley(train, yTrain, test, yTest, K))).toEqual(
            bytesOf(reference.knnShapley(train, yTrain, test, yTest, K)),
          );
        },
      ),
      runs,
    );
  });

  it('given mismatched shapes, when multiplied, then it throws naming the dimensions', async () => {
    await expect(kernel.matmulTransposed(matrixF32(2, 3), matrixF32(2, 4))).rejects.toThrow(/inner dimensions differ/);
    await expect(kernel.cholesky(matrixF64(2, 3), 1)).rejects.toThrow(/square/);
  });
});
