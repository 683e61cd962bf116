import * as E from 'fp-ts/lib/Either.js';
import { notPositiveDefinite, type NotPositiveDefinite } from '../../errors.js';
import { assertMatrix, matrixF32, matrixF64, type MatrixF32, type MatrixF64 } from '../../matrix.js';
import type { KernelContext } from '../context.js';
import type { KernelTask } from '../exports.js';
import { splitRange, splitTriangle } from '../partition.js';

const GMR = 4; // assembly/gram.ts
const ROW_BLOCK_BYTES = 128 * 2 ** 20; // X streams through memory in blocks of about this size

/** G = XᵀX in f64; X is copied in by row blocks, which continue each sum in ascending row order. */
export async function gram(ctx: KernelContext, x: MatrixF32): Promise<MatrixF64> {
  assertMatrix('x', x);
  const { rows: n, cols: k } = x;
  if (k === 0) return matrixF64(0, 0);
  const { arena, exports } = ctx;
  arena.reset();
  const pg = arena.alloc(k * k * 8);
  const ranges = splitTriangle(k, ctx.threads, GMR);
  const scratch = ranges.map(() => arena.alloc(exports.gramScratchBytes()));
  const blockRows = Math.max(1, Math.min(n, Math.floor(ROW_BLOCK_BYTES / (k * 4))));
  const px = arena.alloc(blockRows * k * 4);
  const blocks = n === 0 ? [0] : Array.from({ length: Math.ceil(n / blockRows) }, (_, i) => i * blockRows);
  for (const r0 of blocks) {
    const rows = Math.min(blockRows, n - r0);
    arena.f32(px, rows * k).set(x.data.subarray(r0 * k, (r0 + rows) * k));
    const accumulate = r0 > 0 ? 1 : 0;
    await ctx.pool.run(
      ranges.map(([a0, a1], t) => ({ fn: 'gram', args: [px, k, rows, k, pg, a0, a1, accumulate, scratch[t]!] }) satisfies KernelTask),
    );
  }
  exports.gramMirror(pg, k);
  return matrixF64(k, k, arena.f64(pg, k * k).slice());
}

/** L with L·Lᵀ = G + ridge·I, or the pivot that failed. */
export function cholesky(ctx: KernelContext, g: MatrixF64, ridge: number): E.Either<NotPositiveDefinite, MatrixF64> {
  assertMatrix('g', g);
  if (g.rows !== g.cols) throw new RangeError(`cholesky: g must be square, got ${g.rows}×${g.cols}`);
  if (!Number.isFinite(ridge) || ridge < 0) throw new RangeError(`cholesky: ridge must be a finite number ≥ 0, got ${ridge}`);
  const { arena, exports } = ctx;
  arena.reset();
  const pg = arena.putF64(g.data);
  const failed = exports.cholesky(pg, g.rows, ridge);
  if (failed !== 0) return E.left(notPositiveDefinite(failed - 1, ridge));
  return E.right(matrixF64(g.rows, g.cols, arena.f64(pg, g.rows * g.cols).slice()));
}

const SOLVE_COLUMNS = 64; // queries per call: a k×64 f64 work block stays in L2

/** Each row q of `q` becomes fround((L·Lᵀ)⁻¹·q). */
export async function choleskySolveRows(ctx: KernelContext, factor: MatrixF64, q: MatrixF32): Promise<MatrixF32> {
  assertMatrix('factor', factor);
  assertMatrix('q', q);
  const k = factor.rows;
  if (factor.cols !== k) throw new RangeError(`choleskySolveRows: factor must be square, got ${factor.rows}×${factor.cols}`);
  if (q.cols !== k) throw new RangeError(`choleskySolveRows: q has ${q.cols} columns, the factor is ${k}×${k}`);
  const m = q.rows;
  if (m === 0 || k === 0) return matrixF32(m, k);
  const { arena } = ctx;
  arena.reset();
  const pl = arena.putF64(factor.data);
  const pq = arena.putF32(q.data);
  const po = arena.alloc(m * k * 4);
  const tasks: KernelTask[] = splitRange(m, Math.ceil(m / SOLVE_COLUMNS), 1).map(([q0, q1]) => ({
    fn: 'choleskySolveRows',
    args: [pl, k, pq, po, q0, q1, arena.alloc((q1 - q0) * k * 8)],
  }));
  await ctx.pool.run(tasks);
  return matrixF32(m, k, arena.f32(po, m * k).slice());
}
