// The typed face of the WASM kernel: matrices in, matrices out. Memory layout, copying and
// thread dispatch stay inside; operations on one Kernel run one at a time (they share its
// memory), in call order.
import type * as E from 'fp-ts/lib/Either.js';
import type { NotPositiveDefinite } from '../errors.js';
import type { MatrixF32, MatrixF64, TopK } from '../matrix.js';
import type { SketchParams } from '../sketch-params.js';
import { Arena } from './arena.js';
import type { KernelContext } from './context.js';
import { defaultThreads, instantiate, kernelModule, newKernelMemory, resolveVariant, type KernelVariant } from './load.js';
import { gemm } from './ops/gemm.js';
import { cholesky, choleskySolveRows, gram } from './ops/gram.js';
import { knnShapley, squaredDistances } from './ops/knn.js';
import { scoreTopK, topK, type ScoredTopK } from './ops/ranking.js';
import { sketch } from './ops/sketch.js';
import { ThreadPool } from './pool.js';

export interface KernelOptions {
  /** 'auto' (default) takes SIMD when WebAssembly.validate accepts a SIMD128 module. */
  readonly variant?: KernelVariant | 'auto';
  /** Threads including the caller's (default: available cores, at most 8). 1 = no workers. */
  readonly threads?: number;
}

export interface Kernel {
  readonly variant: KernelVariant;
  readonly threads: number;
  /** C = A·Bᵀ (A is m×k, B is n×k). */
  matmulTransposed(a: MatrixF32, b: MatrixF32): Promise<MatrixF32>;
  /** C = A·B (A is m×k, B is k×n). */
  matmul(a: MatrixF32, b: MatrixF32): Promise<MatrixF32>;
  /** XᵀX accumulated in f64. */
  gram(x: MatrixF32): Promise<MatrixF64>;
  /** Lower L with L·Lᵀ = G + ridge·I. */
  cholesky(g: MatrixF64, ridge: number): Promise<E.Either<NotPositiveDefinite, MatrixF64>>;
  /** Each row q of `q` → fround((L·Lᵀ)⁻¹·q), solved in f64. */
  choleskySolveRows(factor: MatrixF64, q: MatrixF32): Promise<MatrixF32>;
  /** X·S for the seeded sparse JL matrix S. */
  sketch(x: MatrixF32, params: SketchParams): Promise<MatrixF32>;
  /** Per row, the k largest entries with their column indices. */
  topK(scores: MatrixF32, k: number): Promise<TopK>;
  /** Top-k of Q·Tᵀ per query row, and per train row the sum of its scores over the queries. */
  scoreTopK(queries: MatrixF32, train: MatrixF32, k: number): Promise<ScoredTopK>;
  /** test rows × train rows of squared Euclidean distances (f64). */
  squaredDistances(train: MatrixF32, test: MatrixF32): Promise<MatrixF64>;
  /** KNN-Shapley value of each train row, averaged over the test rows. */
  knnShapley(train: MatrixF32, trainLabels: Int32Array, test: MatrixF32, testLabels: Int32Array, K: number): Promise<Float64Array>;
  /** Stops the workers. The kernel is unusable afterwards. */
  close(): Promise<void>;
}

export async function loadKernel(options: KernelOptions = {}): Promise<Kernel> {
  const variant = resolveVariant(options.variant ?? 'auto');
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`loadKernel: threads must be a positive integer, got ${threads}`);
  const module = await kernelModule(variant);
  const memory = newKernelMemory();
  const exports = instantiate(module, memory);
  const ctx: KernelContext = { exports, arena: new Arena(memory), pool: new ThreadPool(exports, module, memory, threads), threads };
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  const exclusive = <T>(op: () => T | Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error('kernel: used after close()'));
    const result = chain.then(op);
    chain = result.catch(() => undefined);
    return result;
  };
  return {
    variant,
    threads,
    matmulTransposed: (a, b) => exclusive(() => gemm(ctx, a, b, true)),
    matmul: (a, b) => exclusive(() => gemm(ctx, a, b, false)),
    gram: (x) => exclusive(() => gram(ctx, x)),
    cholesky: (g, ridge) => exclusive(() => cholesky(ctx, g, ridge)),
    choleskySolveRows: (factor, q) => exclusive(() => choleskySolveRows(ctx, factor, q)),
    sketch: (x, params) => exclusive(() => sketch(ctx, x, params)),
    topK: (scores, k) => exclusive(() => topK(ctx, scores, k)),
    scoreTopK: (queries, train, k) => exclusive(() => scoreTopK(ctx, queries, train, k)),
    squaredDistances: (train, test) => exclusive(() => squaredDistances(ctx, train, test)),
    knnShapley: (train, trainLabels, test, testLabels, K) => exclusive(() => knnShapley(ctx, train, trainLabels, test, testLabels, K)),
    close: () => {
      const done = chain.then(() => ctx.pool.close());
      closed = true;
      return done;
    },
  };
}
