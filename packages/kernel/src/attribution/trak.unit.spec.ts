import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { loadKernel, type Kernel } from '../kernel/kernel.js';
import * as reference from '../reference/index.js';
import { bytesOf, randomMatrix } from '../test-support/fixtures.js';
import { fitTrak, scoreTrak, trakScoreMatrix } from './trak.js';

describe('TRAK fit and score', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await loadKernel({ threads: 2 });
  });
  afterAll(() => kernel.close());

  const train = randomMatrix(300, 50, 21);
  const queries = randomMatrix(17, 50, 22);
  const weights = Float32Array.from({ length: 300 }, (_, i) => 1 - (i % 5) / 10);
  const options = { projectedDim: 24, seed: 77, ridge: 0.1, trainWeights: weights };

  it('given train features, when fitted and scored, then it equals the reference pipeline bit for bit', async () => {
    const model = await fitTrak(train, { ...options, kernel });
    if (E.isLeft(model)) throw new Error(model.left.reason);
    const scores = await scoreTrak(model.right, queries, 5, { kernel });
    // The same steps on the TS reference.
    const phi = reference.sketch(train, { seed: 77, outputDim: 24 });
    const l = reference.cholesky(reference.gram(phi), 0.1);
    if (E.isLeft(l)) throw new Error(l.left.reason);
    expect(bytesOf(model.right.factor.data).equals(bytesOf(l.right.data))).toBe(true);
    const weighted = phi.data.map((v, j) => Math.fround(v * weights[Math.floor(j / 24)]!));
    const solved = reference.choleskySolveRows(l.right, reference.sketch(queries, { seed: 77, outputDim: 24 }));
    const want = reference.scoreTopK(solved, { rows: 300, cols: 24, data: weighted }, 5);
    expect(Array.from(scores.topK.indices)).toEqual(Array.from(want.topK.indices));
    expect(bytesOf(scores.topK.scores).equals(bytesOf(want.topK.scores))).toBe(true);
    expect(bytesOf(scores.trainInfluence).equals(bytesOf(want.columnSums))).toBe(true);
  });

  it('given the score matrix, when ranked by hand, then scoreTrak returned its top-k', async () => {
    const model = await fitTrak(train, { ...options, kernel });
    if (E.isLeft(model)) throw new Error(model.left.reason);
    const matrix = await trakScoreMatrix(model.right, queries, { kernel });
    const scores = await scoreTrak(model.right, queries, 3, { kernel });
    expect(Array.from(scores.topK.indices)).toEqual(Array.from(reference.topK(matrix, 3).indices));
  });

  it('given no ridge, when fitting, then the options error names ridge', async () => {
    await expect(fitTrak(train, { ...options, ridge: 0, kernel })).rejects.toThrow(/options.ridge/);
  });

  it('given queries of another width, when scoring, then the error says which', async () => {
    const model = await fitTrak(train, { ...options, kernel });
    if (E.isLeft(model)) throw new Error(model.left.reason);
    await expect(scoreTrak(model.right, randomMatrix(2, 49, 1), 1, { kernel })).rejects.toThrow(/49 columns/);
  });
});
