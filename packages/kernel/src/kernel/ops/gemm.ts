import { assertMatrix, matrixF32, type MatrixF32 } from '../../matrix.js';
import type { KernelContext } from '../context.js';
import type { KernelTask } from '../exports.js';
import { splitRange } from '../partition.js';

const MR = 4; // assembly/gemm.ts
const NR = 8;
const EDGE_TILE_BYTES = MR * NR * 4;

/** C = A·Bᵀ (transB) or A·B, on the shared memory, split by the larger output dimension. */
export async function gemm(ctx: KernelContext, a: MatrixF32, b: MatrixF32, transB: boolean): Promise<MatrixF32> {
  assertMatrix('a', a);
  assertMatrix('b', b);
  const m = a.rows;
  const k = a.cols;
  const n = transB ? b.rows : b.cols;
  const bk = transB ? b.cols : b.rows;
  if (bk !== k)
    throw new RangeError(
      `matmul: inner dimensions differ (a is ${a.rows}×${a.cols}, b is ${b.rows}×${b.cols}${transB ? ', transposed' : ''})`,
    );
  if (m === 0 || n === 0) return matrixF32(m, n);
  const { arena, exports } = ctx;
  arena.reset();
  const pa = arena.putF32(a.data);
  const pb = arena.putF32(b.data);
  const pc = arena.alloc(m * n * 4);
  const ldb = transB ? k : n;
  const scratch = exports.gemmScratchBytes() + EDGE_TILE_BYTES;
  const tasks: KernelTask[] = [];
  if (n >= m) {
    for (const [j0, j1] of splitRange(n, ctx.threads, NR)) {
      const bj = transB ? pb + j0 * k * 4 : pb + j0 * 4;
      tasks.push({ fn: 'gemm', args: [transB ? 1 : 0, pa, k, bj, ldb, pc + j0 * 4, n, 0, m, j1 - j0, k, arena.alloc(scratch)] });
    }
  } else {
    for (const [i0, i1] of splitRange(m, ctx.threads, MR)) {
      tasks.push({ fn: 'gemm', args: [transB ? 1 : 0, pa, k, pb, ldb, pc, n, i0, i1, n, k, arena.alloc(scratch)] });
    }
  }
  await ctx.pool.run(tasks);
  return matrixF32(m, n, arena.f32(pc, m * n).slice());
}
