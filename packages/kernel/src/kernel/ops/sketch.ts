import { assertMatrix, matrixF32, type MatrixF32 } from '../../matrix.js';
import { resolveSketch, type SketchParams } from '../../sketch-params.js';
import type { KernelContext } from '../context.js';
import { splitRange } from '../partition.js';

const ROW_BLOCK_BYTES = 128 * 2 ** 20;

/** Y = X·S for the seeded sparse JL matrix S (d×k), streamed through memory in row blocks. */
export async function sketch(ctx: KernelContext, x: MatrixF32, params: SketchParams): Promise<MatrixF32> {
  assertMatrix('x', x);
  const p = resolveSketch(params);
  const { rows: n, cols: d } = x;
  const k = p.outputDim;
  const out = matrixF32(n, k);
  if (n === 0) return out;
  const { arena, exports } = ctx;
  arena.reset();
  const table = arena.alloc(d * p.nonzeros * 8);
  exports.sketchTable(p.seed, d, k, p.nonzeros, p.weight, table);
  const blockRows = Math.max(1, Math.min(n, Math.floor(ROW_BLOCK_BYTES / (Math.max(d, k) * 4))));
  const px = arena.alloc(blockRows * d * 4);
  const py = arena.alloc(blockRows * k * 4);
  for (let r0 = 0; r0 < n; r0 += blockRows) {
    const rows = Math.min(blockRows, n - r0);
    arena.f32(px, rows * d).set(x.data.subarray(r0 * d, (r0 + rows) * d));
    await ctx.pool.run(
      splitRange(rows, ctx.threads, 1).map(([s, e]) => ({ fn: 'sketchRows', args: [px, d, py, k, p.nonzeros, table, s, e] })),
    );
    out.data.set(arena.f32(py, rows * k), r0 * k);
  }
  return out;
}
