// The LDS experiment on the convex task: train on the full set, attribute with TRAK, with the
// exact influence of the linear model and with random scores, retrain on random subsets, and
// score each attribution by LDS.
import * as E from 'fp-ts/lib/Either.js';
import { fitTrak, trakScoreMatrix } from '../attribution/trak.js';
import type { Kernel } from '../kernel/kernel.js';
import { linearDatamodelingScore } from './lds.js';
import { exactInfluence, makeLogisticTask, queryOutputs, trainLogistic, trakInputs } from './logistic.js';
import { randomSubsets, seededRng } from './random.js';

export interface LdsExperimentOptions {
  readonly trainRows: number;
  readonly queryRows: number;
  readonly dim: number;
  readonly l2: number;
  readonly subsets: number;
  readonly subsetFraction: number;
  /** TRAK is run once per projected dimension listed. */
  readonly projectedDims: readonly number[];
  readonly seed: number;
  readonly kernel?: Kernel;
  readonly log?: (message: string) => void;
}

export interface LdsExperimentResult {
  /** LDS of TRAK per projected dimension, in the order asked. */
  readonly trak: readonly { readonly projectedDim: number; readonly lds: number }[];
  readonly exactInfluence: number;
  readonly random: number;
}

export async function ldsExperiment(o: LdsExperimentOptions): Promise<LdsExperimentResult> {
  const task = makeLogisticTask({ trainRows: o.trainRows, queryRows: o.queryRows, dim: o.dim, l2: o.l2, seed: o.seed });
  const theta = trainLogistic(task);
  const { features, weights } = trakInputs(task, theta);
  const kernelOption = o.kernel ? { kernel: o.kernel } : {};
  const trak = [];
  for (const projectedDim of o.projectedDims) {
    const model = await fitTrak(features, { projectedDim, seed: o.seed, ridge: o.l2, trainWeights: weights, ...kernelOption });
    if (E.isLeft(model)) throw new Error(`ldsExperiment: ${model.left.reason}`);
    trak.push({ projectedDim, scores: (await trakScoreMatrix(model.right, task.queries, kernelOption)).data });
  }
  const exact = exactInfluence(task, theta);
  const rng = seededRng(o.seed ^ 0x5bd1e995);
  const random = Float64Array.from({ length: exact.length }, () => rng.normal());
  const subsets = randomSubsets(o.trainRows, o.subsets, o.subsetFraction, o.seed + 1);
  const actual = subsets.map((mask, s) => {
    if (s % 25 === 0) o.log?.(`retraining on subset ${s + 1}/${subsets.length}`);
    return queryOutputs(task, trainLogistic(task, mask));
  });
  const lds = (scores: ArrayLike<number>): number => linearDatamodelingScore({ scores, trainRows: o.trainRows, subsets, actual }).lds;
  return { trak: trak.map((t) => ({ projectedDim: t.projectedDim, lds: lds(t.scores) })), exactInfluence: lds(exact), random: lds(random) };
}
