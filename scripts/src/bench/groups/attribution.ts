// Attribution end to end on the kernel (50,000 train gradients × 4,096 dims → 1,024, TRAK fit,
// 1,000 queries scored, 2 threads) and the quality of TRAK scores by LDS on a convex task, then on
// real data (UCI breast cancer) through the product path: gradients recorded as a run's events,
// scored by the attribution projection, read back as `attribute --top all` does.
import { fitTrak, ldsExperiment, loadKernel, matrixF32, scoreTrak, type MatrixF32 } from '@cairn/kernel';
import { closeAttributionKernel } from '@cairn/attribution';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';
import { realDataLds, type Head } from './attribution-lds/real-data.js';

const GROUP = 'attribution';

/** Deterministic stand-in gradients: a few shared directions (so ΦᵀΦ has structure) plus noise. */
function gradients(rows: number, dim: number, seed: number): MatrixF32 {
  const out = new Float32Array(rows * dim);
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 31 - 1;
  };
  const basis = Float32Array.from({ length: 8 * dim }, next);
  for (let r = 0; r < rows; r++) {
    const c = [next(), next(), next(), next(), next(), next(), next(), next()];
    for (let j = 0; j < dim; j++) {
      let v = 0.1 * next();
      for (let b = 0; b < 8; b++) v += c[b]! * basis[b * dim + j]!;
      out[r * dim + j] = v;
    }
  }
  return matrixF32(rows, dim, out);
}

const seconds = (t: number): number => (performance.now() - t) / 1000;

const group: BenchGroup = {
  group: GROUP,
  description:
    'TRAK end to end (50k × 4096 → 1024, 1k queries, 2 threads), LDS on logistic regression, LDS on real data through record-gradients → attribute',
  async run(ctx: BenchContext): Promise<readonly BenchResult[]> {
    const rows: BenchResult[] = [];
    const [n, d, k, m] = [50_000, 4_096, 1_024, 1_000];
    let t = performance.now();
    const train = gradients(n, d, 1);
    const queries = gradients(m, d, 2);
    rows.push(row(GROUP, `generate ${n}×${d} + ${m}×${d} gradients (not in the total)`, seconds(t), 's'));
    const kernel = await loadKernel({ threads: 2 });
    try {
      ctx.log(`fit: sketch ${n}×${d} → ${k}, Gram, Cholesky`);
      const t0 = performance.now();
      const model = await fitTrak(train, { projectedDim: k, seed: 2024, ridge: 1e-2, kernel });
      if (model._tag === 'Left') throw new Error(model.left.reason);
      const fit = seconds(t0);
      ctx.log(`score ${m} queries, top-10`);
      t = performance.now();
      const scores = await scoreTrak(model.right, queries, 10, { kernel });
      const score = seconds(t);
      const total = seconds(t0);
      if (scores.topK.indices.length !== m * 10) throw new Error('scoreTrak returned the wrong shape');
      rows.push(row(GROUP, `fitTrak ${n}×${d} → ${k} (sketch + Gram + Cholesky), 2 threads`, fit, 's'));
      rows.push(row(GROUP, `scoreTrak ${m} queries top-10 + influence, 2 threads`, score, 's'));
      rows.push(row(GROUP, 'end to end fit + score vs 15 s target', total, 's', 15));
    } finally {
      await kernel.close();
    }

    ctx.log('LDS: logistic regression n=5,000, d=32, 100 half-size subsets retrained (Newton), 50 queries');
    const lds = await ldsExperiment({
      trainRows: 5_000,
      queryRows: 50,
      dim: 32,
      l2: 1,
      subsets: 100,
      subsetFraction: 0.5,
      projectedDims: [128, 16],
      seed: 7,
      log: ctx.log,
    });
    for (const t of lds.trak)
      rows.push(row(GROUP, `LDS TRAK (d=32 → ${t.projectedDim}) vs exact influence`, t.lds, 'LDS', lds.exactInfluence));
    rows.push(row(GROUP, 'LDS exact influence (Newton, linear model)', lds.exactInfluence, 'LDS'));
    rows.push(row(GROUP, 'LDS random scores', lds.random, 'LDS'));

    const subsets = Number(process.env.CAIRN_BENCH_REAL_LDS_SUBSETS ?? 200);
    try {
      for (const head of ['logistic', 'ridge'] as Head[]) {
        const what = `UCI breast cancer, ${head === 'logistic' ? 'logistic regression' : 'ridge regression head'}, 450 train rows, 100 queries, ${subsets} half subsets`;
        ctx.log(`LDS on real data: ${what}`);
        const real = await realDataLds({ head, trainRows: 450, queryRows: 100, subsets, l2: 1, seed: 7, log: ctx.log });
        const name = (s: string) => `LDS real data (${head}) ${s}`;
        rows.push(
          row(
            GROUP,
            name('output gradients + weights, record-gradients → attribute, vs exact influence'),
            real.outputGradients,
            'LDS',
            real.exactInfluence,
          ),
        );
        rows.push(
          row(
            GROUP,
            name('loss gradients, record-gradients → attribute, vs exact influence'),
            real.lossGradients,
            'LDS',
            real.exactInfluence,
          ),
        );
        rows.push(
          row(
            GROUP,
            name('loss gradients without a kind (scored as given), vs exact influence'),
            real.undeclared,
            'LDS',
            real.exactInfluence,
          ),
        );
        rows.push(row(GROUP, name(`exact influence (${what})`), real.exactInfluence, 'LDS'));
        rows.push(row(GROUP, name('random scores'), real.random, 'LDS'));
      }
    } finally {
      await closeAttributionKernel();
    }
    return rows;
  },
};

export default group;
