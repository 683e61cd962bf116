import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { matrixF32, type MatrixF32 } from '../matrix.js';
import { squaredDistance } from '../reference/knn.js';
import { FC_SEED, randomMatrix } from '../test-support/fixtures.js';
import { knnShapley } from './knn-shapley.js';

// Brute force: the Shapley value is the average over all orderings of the train points of each
// point's marginal gain in the K-NN utility U(S) = (1/K)·Σ_{j ≤ min(K,|S|)} 1[y_(j) = y_test]
// (Jia et al. 2019, eq. 2), with neighbours ranked by distance then index.
function utility(members: number[], dist: number[], labels: number[], yTest: number, K: number): number {
  const nearest = [...members].sort((a, b) => dist[a]! - dist[b]! || a - b).slice(0, K);
  return nearest.filter((i) => labels[i] === yTest).length / K;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]));
}

function bruteForce(train: MatrixF32, labels: number[], test: MatrixF32, testLabels: number[], K: number): number[] {
  const n = train.rows;
  const values = new Array<number>(n).fill(0);
  const perms = permutations(n);
  for (let t = 0; t < test.rows; t++) {
    const q = test.data.subarray(t * test.cols, (t + 1) * test.cols);
    const dist = Array.from({ length: n }, (_, i) => squaredDistance(train.data.subarray(i * train.cols, (i + 1) * train.cols), q));
    for (const perm of perms) {
      const members: number[] = [];
      let before = 0;
      for (const i of perm) {
        members.push(i);
        const after = utility(members, dist, labels, testLabels[t]!, K);
        values[i]! += (after - before) / perms.length / test.rows;
        before = after;
      }
    }
  }
  return values;
}

describe('knnShapley', () => {
  it('given tiny sets, when valued, then it equals the Shapley values enumerated over all permutations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        async (n, m, K, seed) => {
          const train = randomMatrix(n, 3, seed);
          const test = randomMatrix(m, 3, seed + 1);
          const labels = Array.from({ length: n }, (_, i) => Math.abs(seed + i * 5) % 2);
          const testLabels = Array.from({ length: m }, (_, i) => Math.abs(seed + i) % 2);
          const got = await knnShapley(train, labels, test, testLabels, K);
          const want = bruteForce(train, labels, test, testLabels, K);
          // Different summation orders (recursion vs. n! marginal sums): equal to rounding.
          want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThan(1e-12));
        },
      ),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('given the values, when summed, then they add up to the utility of the whole set (efficiency)', async () => {
    const train = randomMatrix(40, 5, 3);
    const test = randomMatrix(1, 5, 4);
    const labels = Array.from({ length: 40 }, (_, i) => i % 3);
    const values = await knnShapley(train, labels, test, [1], 5);
    const dist = Array.from({ length: 40 }, (_, i) => squaredDistance(train.data.subarray(i * 5, i * 5 + 5), test.data));
    const whole = utility([...Array(40).keys()], dist, labels, 1, 5);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) - whole)).toBeLessThan(1e-12);
  });

  it('given no test points, when valued, then every train row is worth 0', async () => {
    expect(Array.from(await knnShapley(randomMatrix(3, 2, 1), [0, 1, 0], matrixF32(0, 2), [], 1))).toEqual([0, 0, 0]);
  });

  it('given a non-integer label, when valued, then the error names the entry', async () => {
    await expect(knnShapley(randomMatrix(2, 2, 1), [0, 0.5], randomMatrix(1, 2, 2), [0], 1)).rejects.toThrow(/trainLabels\[1\]/);
  });
});
