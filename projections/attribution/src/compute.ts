// The numeric part of scoring a run: fit TRAK on the train rows (seeded sparse JL sketch, Gram,
// Cholesky of ΦᵀΦ + λI), score the query rows (top-k per query, per-train-row sums), and value the
// train rows with KNN-Shapley in the sketched space (JL keeps distances, so the neighbours are
// those of the raw gradients up to the sketch's distortion, at projectedDim instead of dims cost).
//
// What the train rows are decides the per-row factor w_i of score(q, i) = w_i·φ(q)ᵀ(ΦᵀΦ + λI)⁻¹φ_i
// (README "What a score means"): output gradients take the recorded weights (1 without them);
// loss gradients g_i take w_i = −1, since −g_i is the direction in which including row i moves the
// parameters, and ΦᵀΦ = Σ g gᵀ is the empirical Fisher; an undeclared kind is scored as given.
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { fitTrak, knnShapley, matrixF32, scoreTrak, type Kernel, type MatrixF32, type TopK, type TrakModel } from '@cairn/kernel';
import type { ClassLabels, LabelExclusions } from './labels.js';
import type { GradientKind } from './kinds.js';
import type { AttributionParams } from './params.js';

export type { GradientKind } from './kinds.js';

export interface RunScores {
  readonly topK: TopK;
  /** Per train row, the sum of its f32 scores over the query rows (f64). */
  readonly trainInfluence: Float64Array;
  /** Per train row, its KNN-Shapley value, or null (and why not); NaN marks a row left out for want of a label. */
  readonly knnShapley: Float64Array | null;
  readonly shapleyReason: string | null;
  readonly shapleyExcluded: LabelExclusions | null;
}

export function firstNonFinite(m: MatrixF32): number {
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) return i;
  return -1;
}

/** The per-row factor the kind calls for (undefined = 1 for every row, as before kinds existed). */
export function trainWeightsOf(
  kind: GradientKind | null,
  rows: number,
  recorded: Float32Array | undefined,
): Either<string, Float32Array | undefined> {
  if (kind === 'loss-gradients') return right(new Float32Array(rows).fill(-1));
  if (recorded === undefined) return right(undefined);
  const bad = recorded.findIndex((w) => !Number.isFinite(w));
  return bad >= 0 ? left(`weights row ${bad} is not a finite number`) : right(recorded);
}

export async function fitRunModel(
  kernel: Kernel,
  train: MatrixF32,
  params: AttributionParams,
  trainWeights?: Float32Array,
): Promise<Either<string, TrakModel>> {
  const bad = firstNonFinite(train);
  if (bad >= 0) return left(`train row ${Math.floor(bad / train.cols)} column ${bad % train.cols} is not a finite number`);
  const model = await fitTrak(train, {
    projectedDim: params.projectedDim,
    seed: params.seed,
    ridge: params.ridge,
    kernel,
    ...(trainWeights ? { trainWeights } : {}),
  });
  return isLeft(model) ? left(model.left.reason) : right(model.right);
}

function pickRows(m: MatrixF32, rows: readonly number[]): MatrixF32 {
  if (rows.length === m.rows) return m;
  const out = matrixF32(rows.length, m.cols);
  rows.forEach((r, i) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
  return out;
}

export async function scoreRun(
  kernel: Kernel,
  model: TrakModel,
  train: MatrixF32,
  weighted: boolean,
  query: MatrixF32,
  params: AttributionParams,
  labels: Either<string, ClassLabels>,
): Promise<Either<string, RunScores>> {
  if (query.cols !== model.inputDim) return left(`the query artifact has ${query.cols} dims, the train artifact ${model.inputDim}`);
  const bad = firstNonFinite(query);
  if (bad >= 0) return left(`query row ${Math.floor(bad / query.cols)} column ${bad % query.cols} is not a finite number`);
  const { topK, trainInfluence } = await scoreTrak(model, query, Math.min(params.topK, model.trainFeatures.rows), { kernel });
  if (isLeft(labels)) return right({ topK, trainInfluence, knnShapley: null, shapleyReason: labels.left, shapleyExcluded: null });
  const sketch = { seed: model.seed, outputDim: model.projectedDim, nonzeros: model.sketchNonzeros };
  // neighbours are found among the rows as recorded: the score weights are not distances
  const sketchedTrain = weighted ? await kernel.sketch(train, sketch) : model.trainFeatures;
  const projected = await kernel.sketch(query, sketch);
  const l = labels.right;
  const values = await knnShapley(pickRows(sketchedTrain, l.trainRows), l.train, pickRows(projected, l.queryRows), l.query, params.knnK, {
    kernel,
  });
  let perRow = values;
  if (l.trainRows.length !== train.rows) {
    perRow = new Float64Array(train.rows).fill(Number.NaN);
    l.trainRows.forEach((row, i) => (perRow[row] = values[i]!));
  }
  return right({ topK, trainInfluence, knnShapley: perRow, shapleyReason: null, shapleyExcluded: l.excluded });
}
