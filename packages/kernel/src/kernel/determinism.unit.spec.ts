import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { bytesOf, randomMatrix } from '../test-support/fixtures.js';
import { loadKernel, type Kernel } from './kernel.js';
import { simdSupported } from './load.js';

// Every operation, with sizes that cross block and tile edges, on every (build, threads)
// configuration: the output bytes must not depend on either, nor on the run.
async function everything(kernel: Kernel): Promise<Buffer[]> {
  const a = randomMatrix(141, 300, 11);
  const b = randomMatrix(203, 300, 12);
  const x = randomMatrix(530, 37, 13);
  const g = await kernel.gram(x);
  const l = await kernel.cholesky(g, 0.5);
  if (E.isLeft(l)) throw new Error(l.left.reason);
  const scored = await kernel.scoreTopK(a, b, 5);
  const labels = Int32Array.from({ length: 203 }, (_, i) => i % 4);
  const testLabels = Int32Array.from({ length: 141 }, (_, i) => (i * 3) % 4);
  return [
    bytesOf((await kernel.matmulTransposed(a, b)).data),
    bytesOf((await kernel.matmul(randomMatrix(19, 300, 14), randomMatrix(300, 77, 15))).data),
    bytesOf(g.data),
    bytesOf(l.right.data),
    bytesOf((await kernel.choleskySolveRows(l.right, randomMatrix(90, 37, 16))).data),
    bytesOf((await kernel.sketch(b, { seed: 99, outputDim: 64 })).data),
    bytesOf(scored.topK.indices),
    bytesOf(scored.topK.scores),
    bytesOf(scored.columnSums),
    bytesOf(await kernel.knnShapley(b, labels, a, testLabels, 5)),
  ];
}

const variants = (['simd', 'scalar'] as const).filter((v) => v === 'scalar' || simdSupported());
const configs = variants.flatMap((variant) => [1, 2, 3].map((threads) => ({ variant, threads })));

describe('determinism', () => {
  const results = new Map<string, Buffer[]>();
  const kernels: Kernel[] = [];
  beforeAll(async () => {
    for (const c of configs) {
      const kernel = await loadKernel(c);
      kernels.push(kernel);
      results.set(`${c.variant}/${c.threads}`, await everything(kernel));
    }
  });
  afterAll(async () => {
    for (const k of kernels) await k.close();
  });

  it.each(configs.slice(1))(
    'given the same inputs, when run on $variant with $threads thread(s), then the bytes equal simd/1 (or the first build)',
    ({ variant, threads }) => {
      const baseline = results.get(`${configs[0]!.variant}/1`)!;
      const got = results.get(`${variant}/${threads}`)!;
      got.forEach((buf, i) => expect(buf.equals(baseline[i]!)).toBe(true));
    },
  );

  it('given the same kernel, when an operation runs twice, then both runs give the same bytes', async () => {
    const again = await everything(kernels[kernels.length - 1]!);
    const first = results.get(`${configs[configs.length - 1]!.variant}/${configs[configs.length - 1]!.threads}`)!;
    again.forEach((buf, i) => expect(buf.equals(first[i]!)).toBe(true));
  });
});
