// The numeric part of scoring a run: fit TRAK on the train rows (seeded sparse JL sketch, Gram,
// Cholesky of ΦᵀΦ + λI), score the query rows (top-k per query, per-train-row sums), and value the
// train rows with KNN-Shapley in the sketched space (JL keeps distances, so the neighbours are
// those of the raw gradients up to the sketch's distortion, at projectedDim instead of dims cost).
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { fitTrak, knnShapley, scoreTrak, type Kernel, type MatrixF32, type TopK, type TrakModel } from '@cairn/kernel';
import type { AttributionParams } from './params.js';

export interface RunScores {
  readonly topK: TopK;
  /** Per train row, the sum of its f32 scores over the query rows (f64). */
  readonly trainInfluence: Float64Array;
  /** Per train row, its KNN-Shapley value, or null (and why not). */
  readonly knnShapley: Float64Array | null;
  readonly shapleyReason: string | null;
}

export function firstNonFinite(m: MatrixF32): number {
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) return i;
  return -1;
}

export async function fitRunModel(kernel: Kernel, train: MatrixF32, params: AttributionParams): Promise<Either<string, TrakModel>> {
  const bad = firstNonFinite(train);
  if (bad >= 0) return left(`train row ${Math.floor(bad / train.cols)} column ${bad % train.cols} is not a finite number`);
  const model = await fitTrak(train, { projectedDim: params.projectedDim, seed: params.seed, ridge: params.ridge, kernel });
  return isLeft(model) ? left(model.left.reason) : right(model.right);
}

export async function scoreRun(
  kernel: Kernel, model: TrakModel, query: MatrixF32, params: AttributionParams, labels: Either<string, { train: Int32Array; query: Int32Array }>,
): Promise<Either<string, RunScores>> {
  if (query.cols !== model.inputDim) return left(`the query artifact has ${query.cols} dims, the train artifact ${model.inputDim}`);
  const bad = firstNonFinite(query);
  if (bad >= 0) return left(`query row ${Math.floor(bad / query.cols)} column ${bad % query.cols} is not a finite number`);
  const { topK, trainInfluence } = await scoreTrak(model, query, Math.min(params.topK, model.trainFeatures.rows), { kernel });
  if (isLeft(labels)) return right({ topK, trainInfluence, knnShapley: null, shapleyReason: labels.left });
  const projected = await kernel.sketch(query, { seed: model.seed, outputDim: model.projectedDim, nonzeros: model.sketchNonzeros });
  const values = await knnShapley(model.trainFeatures, labels.right.train, projected, labels.right.query, params.knnK, { kernel });
  return right({ topK, trainInfluence, knnShapley: values, shapleyReason: null });
}
