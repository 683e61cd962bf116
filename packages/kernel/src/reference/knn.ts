import { assertMatrix, matrixF64, type MatrixF32, type MatrixF64 } from '../matrix.js';

/** ‖a − b‖² in f64 with the kernel's four lanes (j mod 4), reduced (l0 + l1) + (l2 + l3), then the tail. */
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  const d = a.length;
  const d4 = d & ~3;
  const lanes = [0, 0, 0, 0];
  for (let j = 0; j < d4; j++) {
    const e = a[j]! - b[j]!;
    lanes[j & 3] = lanes[j & 3]! + e * e;
  }
  let s = lanes[0]! + lanes[1]! + (lanes[2]! + lanes[3]!);
  for (let j = d4; j < d; j++) {
    const e = a[j]! - b[j]!;
    s += e * e;
  }
  return s;
}

const row = (m: MatrixF32, r: number): Float32Array => m.data.subarray(r * m.cols, (r + 1) * m.cols);

export function squaredDistances(train: MatrixF32, test: MatrixF32): MatrixF64 {
  assertMatrix('train', train);
  assertMatrix('test', test);
  const out = matrixF64(test.rows, train.rows);
  for (let t = 0; t < test.rows; t++)
    for (let i = 0; i < train.rows; i++) out.data[t * train.rows + i] = squaredDistance(row(train, i), row(test, t));
  return out;
}

/** Train indices nearest first; equal distances by smaller index; NaN last. */
export function nearestOrder(dist: Float64Array): number[] {
  const before = (a: number, b: number): boolean => {
    const da = dist[a]!;
    const db = dist[b]!;
    if (Number.isNaN(da)) return Number.isNaN(db) && a < b;
    if (Number.isNaN(db)) return true;
    return da < db || (da === db && a < b);
  };
  return Array.from(dist, (_, i) => i).sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/**
 * Jia et al. 2019, Theorem 1, for one test point: Shapley values of the K-NN utility
 * (1/K)·Σ_{j ≤ min(K,|S|)} 1[y_(j) = y_test], from the train points sorted nearest first.
 */
export function knnShapleyForTest(order: readonly number[], trainLabels: Int32Array, testLabel: number, K: number): Float64Array {
  const n = order.length;
  const s = new Float64Array(n);
  if (n === 0) return s;
  let a = order[n - 1]!;
  let matchNext = trainLabels[a] === testLabel ? 1 : 0;
  let sNext = matchNext / Math.max(n, K); // 1[·]/N when N ≥ K (the paper's case), 1[·]/K below
  s[a] = sNext;
  for (let j = n - 1; j >= 1; j--) {
    a = order[j - 1]!;
    const match = trainLabels[a] === testLabel ? 1 : 0;
    const v = sNext + (((match - matchNext) / K) * Math.min(K, j)) / j;
    s[a] = v;
    sNext = v;
    matchNext = match;
  }
  return s;
}

export function knnShapley(train: MatrixF32, trainLabels: Int32Array, test: MatrixF32, testLabels: Int32Array, K: number): Float64Array {
  const sums = new Float64Array(train.rows);
  if (train.rows === 0 || test.rows === 0) return sums;
  const dist = squaredDistances(train, test);
  for (let t = 0; t < test.rows; t++) {
    const order = nearestOrder(dist.data.subarray(t * train.rows, (t + 1) * train.rows));
    const s = knnShapleyForTest(order, trainLabels, testLabels[t]!, K);
    for (let i = 0; i < train.rows; i++) sums[i] = sums[i]! + s[i]!;
  }
  for (let i = 0; i < train.rows; i++) sums[i] = sums[i]! / test.rows;
  return sums;
}
