import { assertMatrix, type MatrixF32, type TopK } from '../../matrix.js';
import type { KernelContext } from '../context.js';
import type { KernelTask } from '../exports.js';
import { splitRange } from '../partition.js';

const MR = 4;
const NR = 8;
const EDGE_TILE_BYTES = MR * NR * 4;
const SCORE_BLOCK_BYTES = 64 * 2 ** 20; // one block of query rows × all train rows of scores

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`topK: k must be a non-negative integer, got ${k}`);
}

/** Per row, the min(k, cols) largest scores, best first; ties by smaller index; NaN last. */
export async function topK(ctx: KernelContext, scores: MatrixF32, k: number): Promise<TopK> {
  assertMatrix('scores', scores);
  checkK(k);
  const { rows: m, cols: n } = scores;
  const kk = Math.min(k, n);
  const { arena } = ctx;
  arena.reset();
  const ps = arena.putF32(scores.data);
  const pi = arena.alloc(m * kk * 4);
  const pv = arena.alloc(m * kk * 4);
  if (kk > 0) await ctx.pool.run(splitRange(m, ctx.threads, 1).map(([r0, r1]) => ({ fn: 'topKRows', args: [ps, n, kk, pi, pv, r0, r1] })));
  return { rows: m, k: kk, indices: arena.i32(pi, m * kk).slice(), scores: arena.f32(pv, m * kk).slice() };
}

export interface ScoredTopK {
  /** Per query row, the top-k train rows by score Q·Tᵀ. */
  readonly topK: TopK;
  /** Per train row, Σ over query rows (ascending) of f64(score), in f64. */
  readonly columnSums: Float64Array;
}

/**
 * scores = Q·Tᵀ without keeping the m×n matrix: query rows go through in blocks; each block is
 * multiplied (split by train rows), ranked (split by query rows) and summed into the per-train
 * totals (split by train rows, so each total runs over queries in ascending order).
 */
export async function scoreTopK(ctx: KernelContext, queries: MatrixF32, train: MatrixF32, k: number): Promise<ScoredTopK> {
  assertMatrix('queries', queries);
  assertMatrix('train', train);
  checkK(k);
  if (queries.cols !== train.cols) throw new RangeError(`scoreTopK: queries have ${queries.cols} columns, train rows have ${train.cols}`);
  const m = queries.rows;
  const n = train.rows;
  const d = train.cols;
  const kk = Math.min(k, n);
  const { arena, exports } = ctx;
  arena.reset();
  const pt = arena.putF32(train.data);
  const acc = arena.alloc(n * 8);
  arena.f64(acc, n).fill(0);
  const pi = arena.alloc(m * kk * 4);
  const pv = arena.alloc(m * kk * 4);
  const blockRows = Math.max(MR, Math.min(m, Math.floor(SCORE_BLOCK_BYTES / Math.max(1, n * 4 + d * 4))));
  const pq = arena.alloc(blockRows * d * 4);
  const ps = arena.alloc(blockRows * n * 4);
  const columns = splitRange(n, ctx.threads, NR);
  const scratch = columns.map(() => arena.alloc(exports.gemmScratchBytes() + EDGE_TILE_BYTES));
  for (let q0 = 0; q0 < m && n > 0; q0 += blockRows) {
    const rows = Math.min(blockRows, m - q0);
    arena.f32(pq, rows * d).set(queries.data.subarray(q0 * d, (q0 + rows) * d));
    await ctx.pool.run(
      columns.map(
        ([j0, j1], t) =>
          ({ fn: 'gemm', args: [1, pq, d, pt + j0 * d * 4, d, ps + j0 * 4, n, 0, rows, j1 - j0, d, scratch[t]!] }) satisfies KernelTask,
      ),
    );
    const ranked: KernelTask[] =
      kk > 0
        ? splitRange(rows, ctx.threads, 1).map(([r0, r1]) => ({
            fn: 'topKRows',
            args: [ps, n, kk, pi + q0 * kk * 4, pv + q0 * kk * 4, r0, r1],
          }))
        : [];
    await ctx.pool.run(ranked);
    await ctx.pool.run(columns.map(([c0, c1]) => ({ fn: 'addColumnSums', args: [ps, rows, n, acc, c0, c1] })));
  }
  return {
    topK: { rows: m, k: kk, indices: arena.i32(pi, m * kk).slice(), scores: arena.f32(pv, m * kk).slice() },
    columnSums: arena.f64(acc, n).slice(),
  };
}
