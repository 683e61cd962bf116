import { assertMatrix, type MatrixF32, type TopK } from '../matrix.js';
import { matmulTransposed } from './linalg.js';

/** The kernel's ranking: larger first, equal by smaller index, NaN after every number. */
export function rankBefore(s1: number, i1: number, s2: number, i2: number): boolean {
  if (Number.isNaN(s1)) return Number.isNaN(s2) && i1 < i2;
  if (Number.isNaN(s2)) return true;
  return s1 > s2 || (s1 === s2 && i1 < i2);
}

export function topK(scores: MatrixF32, k: number): TopK {
  assertMatrix('scores', scores);
  const { rows: m, cols: n } = scores;
  const kk = Math.min(k, n);
  const indices = new Int32Array(m * kk);
  const values = new Float32Array(m * kk);
  const order = Array.from({ length: n }, (_, j) => j);
  for (let r = 0; r < m; r++) {
    const row = scores.data.subarray(r * n, (r + 1) * n);
    order.sort((a, b) => (rankBefore(row[a]!, a, row[b]!, b) ? -1 : rankBefore(row[b]!, b, row[a]!, a) ? 1 : 0));
    for (let j = 0; j < kk; j++) {
      indices[r * kk + j] = order[j]!;
      values[r * kk + j] = row[order[j]!]!;
    }
    order.sort((a, b) => a - b);
  }
  return { rows: m, k: kk, indices, scores: values };
}

export function scoreTopK(queries: MatrixF32, train: MatrixF32, k: number): { topK: TopK; columnSums: Float64Array } {
  const s = matmulTransposed(queries, train);
  const sums = new Float64Array(train.rows);
  for (let r = 0; r < s.rows; r++) for (let c = 0; c < s.cols; c++) sums[c] = sums[c]! + s.data[r * s.cols + c]!;
  return { topK: topK(s, k), columnSums: sums };
}
