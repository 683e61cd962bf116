// GEMM throughput of the WASM kernel (SIMD, 1 and 2 threads; scalar build) against the plain
// TypeScript reference and, when python3 has it, numpy (OpenBLAS) in the same run.
import { execFileSync } from 'node:child_process';
import { loadKernel, matrixF32, reference, seededRng, type Kernel, type MatrixF32 } from '@cairn/kernel';
import { row, type BenchContext, type BenchGroup, type BenchResult } from '../types.js';

const GROUP = 'kernel';

function randomSquare(n: number, seed: number): MatrixF32 {
  const rng = seededRng(seed);
  return matrixF32(
    n,
    n,
    Float32Array.from({ length: n * n }, () => rng.next() * 2 - 1),
  );
}

/** Best of `reps` timed runs after one warm-up, as GFLOP/s of an n×n×n product. */
async function gflops(run: () => Promise<unknown> | unknown, n: number, reps: number): Promise<number> {
  await run();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await run();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return (2 * n ** 3) / best / 1e9;
}

function numpyGflops(n: number, threads: number, log: BenchContext['log']): number | undefined {
  const script = [
    'import numpy as np, time',
    `n = ${n}`,
    'a = np.random.default_rng(1).random((n, n), dtype=np.float32)',
    'b = np.random.default_rng(2).random((n, n), dtype=np.float32)',
    'a @ b.T',
    'best = min((lambda t: (a @ b.T, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(5))',
    'print(2 * n**3 / best / 1e9)',
  ].join('\n');
  try {
    const env = {
      ...process.env,
      OPENBLAS_NUM_THREADS: String(threads),
      OMP_NUM_THREADS: String(threads),
      MKL_NUM_THREADS: String(threads),
    };
    return Number(execFileSync('python3', ['-c', script], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    log('numpy not available (python3 -c "import numpy" failed): numpy rows skipped');
    return undefined;
  }
}

const group: BenchGroup = {
  group: GROUP,
  description: 'GEMM GFLOP/s: WASM SIMD kernel (1 and 2 threads), scalar build, TS reference, numpy',
  async run(ctx: BenchContext): Promise<readonly BenchResult[]> {
    const rows: BenchResult[] = [];
    const refN = 256;
    const a0 = randomSquare(refN, 1);
    const b0 = randomSquare(refN, 2);
    ctx.log(`TS reference at n=${refN} (too slow for larger n: the reference is the baseline for every size)`);
    const ts = await gflops(() => reference.matmulTransposed(a0, b0), refN, 2);
    rows.push(row(GROUP, `TS reference A·Bᵀ n=${refN}`, ts, 'GFLOP/s'));

    const kernels: Record<string, Kernel> = {
      simd1: await loadKernel({ variant: 'simd', threads: 1 }),
      simd2: await loadKernel({ variant: 'simd', threads: 2 }),
      scalar1: await loadKernel({ variant: 'scalar', threads: 1 }),
    };
    try {
      for (const n of [256, 1024, 2048]) {
        const a = randomSquare(n, 3);
        const b = randomSquare(n, 4);
        const reps = n <= 256 ? 20 : n <= 1024 ? 5 : 3;
        ctx.log(`GEMM n=${n}`);
        const one = await gflops(() => kernels.simd1!.matmulTransposed(a, b), n, reps);
        const two = await gflops(() => kernels.simd2!.matmulTransposed(a, b), n, reps);
        rows.push(row(GROUP, `SIMD 1 thread A·Bᵀ n=${n} vs TS reference (n=${refN})`, one, 'GFLOP/s', ts));
        rows.push(row(GROUP, `SIMD 2 threads A·Bᵀ n=${n} vs SIMD 1 thread`, two, 'GFLOP/s', one));
        if (n === 1024) {
          const scalar = await gflops(() => kernels.scalar1!.matmulTransposed(a, b), n, 2);
          rows.push(row(GROUP, `scalar build 1 thread A·Bᵀ n=${n} vs TS reference (n=${refN})`, scalar, 'GFLOP/s', ts));
          const np1 = numpyGflops(n, 1, ctx.log);
          if (np1 !== undefined) {
            rows.push(row(GROUP, `numpy/OpenBLAS 1 thread n=${n}`, np1, 'GFLOP/s'));
            rows.push(row(GROUP, `SIMD 1 thread n=${n} vs numpy 1 thread`, one, 'GFLOP/s', np1));
            const np2 = numpyGflops(n, 2, ctx.log);
            if (np2 !== undefined) rows.push(row(GROUP, `SIMD 2 threads n=${n} vs numpy 2 threads`, two, 'GFLOP/s', np2));
          }
        }
      }
    } finally {
      for (const k of Object.values(kernels)) await k.close();
    }
    return rows;
  },
};

export default group;
