// Linear datamodeling score (Park et al., TRAK, ICML 2023, §2.2): for each query, the Spearman
// correlation over random train subsets S between the attribution's prediction Σ_{i∈S} τ(q, i)
// and the output of a model actually retrained on S; averaged over queries.
import { spearman } from './spearman.js';

export interface LdsInput {
  /** Query-major scores: τ(q, i) = scores[q·trainRows + i]. */
  readonly scores: ArrayLike<number>;
  readonly trainRows: number;
  /** 0/1 membership masks of the subsets. */
  readonly subsets: readonly Uint8Array[];
  /** actual[s][q]: output on query q of the model retrained on subset s. */
  readonly actual: readonly ArrayLike<number>[];
}

export interface LdsResult {
  readonly lds: number;
  readonly perQuery: Float64Array;
}

export function linearDatamodelingScore({ scores, trainRows, subsets, actual }: LdsInput): LdsResult {
  if (actual.length !== subsets.length) throw new RangeError(`lds: ${actual.length} outputs for ${subsets.length} subsets`);
  const queries = trainRows === 0 ? 0 : scores.length / trainRows;
  if (!Number.isInteger(queries)) throw new RangeError(`lds: ${scores.length} scores is not a multiple of ${trainRows} train rows`);
  const perQuery = new Float64Array(queries);
  const predicted = new Float64Array(subsets.length);
  const observed = new Float64Array(subsets.length);
  for (let q = 0; q < queries; q++) {
    subsets.forEach((mask, s) => {
      let sum = 0;
      for (let i = 0; i < trainRows; i++) if (mask[i]) sum += scores[q * trainRows + i]!;
      predicted[s] = sum;
      observed[s] = actual[s]![q]!;
    });
    perQuery[q] = spearman(predicted, observed);
  }
  const lds = queries === 0 ? 0 : perQuery.reduce((a, b) => a + b, 0) / queries;
  return { lds, perQuery };
}
