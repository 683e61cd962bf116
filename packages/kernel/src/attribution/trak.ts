// TRAK-style attribution (Park et al., "TRAK: Attributing Model Behavior at Scale", ICML 2023):
// per-example gradients (or features) are projected with a seeded sparse JL sketch, Φ, and a
// query φ(q) is scored against train row i as w_i · φ(q)ᵀ(ΦᵀΦ + λI)⁻¹φ_i, where w_i is TRAK's
// per-example factor Q_ii (e.g. 1 − p_i; 1 when not given). The model keeps the projection seed,
// the Cholesky factor L of ΦᵀΦ + λI and the (weighted) projected train rows.
import * as E from 'fp-ts/lib/Either.js';
import type { NotPositiveDefinite } from '../errors.js';
import type { Kernel } from '../kernel/kernel.js';
import { assertMatrix, matrixF32, type MatrixF32, type MatrixF64, type TopK } from '../matrix.js';
import { DEFAULT_SKETCH_NONZEROS, resolveSketch } from '../sketch-params.js';
import { defaultKernel } from './default-kernel.js';

export interface TrakOptions {
  /** k, the dimension of the projected features. */
  readonly projectedDim: number;
  /** u32 seed of the JL sketch; recorded in the model so queries are projected alike. */
  readonly seed: number;
  /** λ > 0 of ΦᵀΦ + λI. */
  readonly ridge: number;
  /** Non-zeros per input coordinate in the sketch (default 4). */
  readonly sketchNonzeros?: number;
  /** Per train row factor of its scores (TRAK's Q); defaults to 1. */
  readonly trainWeights?: Float32Array;
  readonly kernel?: Kernel;
}

export interface TrakModel {
  readonly inputDim: number;
  readonly projectedDim: number;
  readonly seed: number;
  readonly sketchNonzeros: number;
  readonly ridge: number;
  /** Lower L with L·Lᵀ = ΦᵀΦ + λI (f64, projectedDim × projectedDim). */
  readonly factor: MatrixF64;
  /** Row i = fround(w_i · φ_i): what queries are scored against (train rows × projectedDim). */
  readonly trainFeatures: MatrixF32;
}

export async function fitTrak(trainFeatures: MatrixF32, options: TrakOptions): Promise<E.Either<NotPositiveDefinite, TrakModel>> {
  assertMatrix('trainFeatures', trainFeatures);
  const { projectedDim, seed, ridge } = options;
  if (!(Number.isFinite(ridge) && ridge > 0)) throw new RangeError(`fitTrak: options.ridge must be a finite number > 0, got ${ridge}`);
  const sketchParams = { seed, outputDim: projectedDim, nonzeros: options.sketchNonzeros ?? DEFAULT_SKETCH_NONZEROS };
  const { nonzeros } = resolveSketch(sketchParams);
  const weights = options.trainWeights;
  if (weights && weights.length !== trainFeatures.rows) {
    throw new RangeError(`fitTrak: options.trainWeights has ${weights.length} entries for ${trainFeatures.rows} train rows`);
  }
  const kernel = options.kernel ?? (await defaultKernel());
  const phi = await kernel.sketch(trainFeatures, sketchParams);
  const factor = await kernel.cholesky(await kernel.gram(phi), ridge);
  if (E.isLeft(factor)) return factor;
  if (weights) {
    const k = projectedDim;
    for (let i = 0; i < phi.rows; i++) {
      const w = weights[i]!;
      for (let j = i * k; j < (i + 1) * k; j++) phi.data[j] = Math.fround(phi.data[j]! * w);
    }
  }
  return E.right({
    inputDim: trainFeatures.cols,
    projectedDim,
    seed,
    sketchNonzeros: nonzeros,
    ridge,
    factor: factor.right,
    trainFeatures: phi,
  });
}

export interface TrakScores {
  /** Per query, the top-k train rows (indices into the fitted train rows) and their scores. */
  readonly topK: TopK;
  /** Per train row, the sum of its scores over all queries (f64, queries in order). */
  readonly trainInfluence: Float64Array;
}

export interface ScoreOptions {
  readonly kernel?: Kernel;
}

/** Projects the queries, solves against the factor and ranks the train rows per query. */
export async function scoreTrak(model: TrakModel, queryFeatures: MatrixF32, topK: number, options: ScoreOptions = {}): Promise<TrakScores> {
  assertMatrix('queryFeatures', queryFeatures);
  if (queryFeatures.cols !== model.inputDim) {
    throw new RangeError(`scoreTrak: queryFeatures has ${queryFeatures.cols} columns, the model was fitted on ${model.inputDim}`);
  }
  const kernel = options.kernel ?? (await defaultKernel());
  const projected = await kernel.sketch(queryFeatures, { seed: model.seed, outputDim: model.projectedDim, nonzeros: model.sketchNonzeros });
  const solved = await kernel.choleskySolveRows(model.factor, projected);
  const { topK: ranked, columnSums } = await kernel.scoreTopK(solved, model.trainFeatures, topK);
  return { topK: ranked, trainInfluence: columnSums };
}

/** The full train × query score matrix (for evaluation; scoreTrak never materialises it). */
export async function trakScoreMatrix(model: TrakModel, queryFeatures: MatrixF32, options: ScoreOptions = {}): Promise<MatrixF32> {
  const kernel = options.kernel ?? (await defaultKernel());
  const projected = await kernel.sketch(queryFeatures, { seed: model.seed, outputDim: model.projectedDim, nonzeros: model.sketchNonzeros });
  const solved = await kernel.choleskySolveRows(model.factor, projected);
  return queryFeatures.rows === 0 ? matrixF32(0, model.trainFeatures.rows) : kernel.matmulTransposed(solved, model.trainFeatures);
}
