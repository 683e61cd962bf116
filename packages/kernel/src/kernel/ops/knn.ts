import { assertMatrix, matrixF64, type MatrixF32, type MatrixF64 } from '../../matrix.js';
import type { KernelContext } from '../context.js';
import { splitRange } from '../partition.js';

const VALUE_BLOCK_BYTES = 64 * 2 ** 20;

function checkPair(train: MatrixF32, test: MatrixF32): void {
  assertMatrix('train', train);
  assertMatrix('test', test);
  if (train.cols !== test.cols) throw new RangeError(`knn: train rows have ${train.cols} columns, test rows have ${test.cols}`);
}

/** D[t][i] = ‖test_t − train_i‖² in f64 (fixed 4-lane order, see assembly/knn.ts). */
export async function squaredDistances(ctx: KernelContext, train: MatrixF32, test: MatrixF32): Promise<MatrixF64> {
  checkPair(train, test);
  const n = train.rows;
  const m = test.rows;
  const { arena } = ctx;
  arena.reset();
  const pa = arena.putF32(train.data);
  const pb = arena.putF32(test.data);
  const po = arena.alloc(m * n * 8);
  await ctx.pool.run(splitRange(m, ctx.threads, 1).map(([t0, t1]) => ({ fn: 'distanceRows', args: [pa, n, pb, train.cols, po, t0, t1] })));
  return matrixF64(m, n, arena.f64(po, m * n).slice());
}

export function checkLabels(name: string, labels: Int32Array, rows: number): void {
  if (labels.length !== rows) throw new RangeError(`knnShapley: ${name} has ${labels.length} entries for ${rows} rows`);
}

/**
 * Per train row, the KNN-Shapley value averaged over the test rows (Jia et al. 2019, Thm 1):
 * the per-test values of a block of test rows are computed split by test rows, then summed
 * into the totals split by train rows, in ascending test order; the mean divides at the end.
 */
export async function knnShapley(
  ctx: KernelContext,
  train: MatrixF32,
  trainLabels: Int32Array,
  test: MatrixF32,
  testLabels: Int32Array,
  K: number,
): Promise<Float64Array> {
  checkPair(train, test);
  checkLabels('trainLabels', trainLabels, train.rows);
  checkLabels('testLabels', testLabels, test.rows);
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`knnShapley: K must be a positive integer, got ${K}`);
  const n = train.rows;
  const m = test.rows;
  const d = train.cols;
  if (n === 0 || m === 0) return new Float64Array(n);
  const { arena } = ctx;
  arena.reset();
  const pa = arena.putF32(train.data);
  const pla = arena.putI32(trainLabels);
  const pb = arena.putF32(test.data);
  const plb = arena.putI32(testLabels);
  const acc = arena.alloc(n * 8);
  arena.f64(acc, n).fill(0);
  const blockRows = Math.max(1, Math.min(m, Math.floor(VALUE_BLOCK_BYTES / (n * 8))));
  const pv = arena.alloc(blockRows * n * 8);
  const work = Array.from({ length: ctx.threads }, () => arena.alloc(n * 16));
  const columns = splitRange(n, ctx.threads, 1);
  for (let t0 = 0; t0 < m; t0 += blockRows) {
    const rows = Math.min(blockRows, m - t0);
    await ctx.pool.run(
      splitRange(rows, ctx.threads, 1).map(([s, e], i) => ({
        fn: 'knnShapleyRows',
        args: [pa, pla, n, pb, plb, d, K, pv + s * n * 8, t0 + s, t0 + e, work[i]!],
      })),
    );
    await ctx.pool.run(columns.map(([c0, c1]) => ({ fn: 'addColumnSumsF64', args: [pv, rows, n, acc, c0, c1] })));
  }
  const values = arena.f64(acc, n).slice();
  for (let i = 0; i < n; i++) values[i] = values[i]! / m;
  return values;
}
