import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadKernel, type Kernel } from '../kernel/kernel.js';
import { ldsExperiment } from './experiment.js';
import { linearDatamodelingScore } from './lds.js';
import { spearman } from './spearman.js';

describe('linear datamodeling score', () => {
  let kernel: Kernel;
  beforeAll(async () => {
    kernel = await loadKernel({ threads: 1 });
  });
  afterAll(() => kernel.close());

  it('given a small logistic task, when attributions are scored, then exact influence and TRAK beat random', async () => {
    const r = await ldsExperiment({
      trainRows: 400,
      queryRows: 8,
      dim: 6,
      l2: 1,
      subsets: 40,
      subsetFraction: 0.5,
      projectedDims: [32],
      seed: 3,
      kernel,
    });
    expect(r.exactInfluence).toBeGreaterThan(0.8);
    expect(r.trak[0]!.lds).toBeGreaterThan(0.8);
    expect(Math.abs(r.random)).toBeLessThan(0.3);
    expect(r.exactInfluence).toBeGreaterThan(r.random + 0.5);
  });

  it('given predictions that are the outputs themselves, when scored, then LDS is 1', () => {
    // One query, three train rows; output of a subset = sum of its members' scores.
    const scores = [1, 10, 100];
    const subsets = [Uint8Array.of(1, 0, 0), Uint8Array.of(1, 1, 0), Uint8Array.of(0, 0, 1), Uint8Array.of(0, 1, 1)];
    const actual = subsets.map((m) => [m[0]! * 1 + m[1]! * 10 + m[2]! * 100]);
    expect(linearDatamodelingScore({ scores, trainRows: 3, subsets, actual }).lds).toBeCloseTo(1, 12);
  });

  it('given tied values, when ranked, then Spearman uses average ranks', () => {
    expect(spearman([1, 2, 2, 3], [1, 2, 2, 3])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });
});
