// KNN-Shapley data values (Jia et al., PVLDB 2019, Theorem 1) of every train row for the
// unweighted K-NN classifier, averaged over the test rows.
import type { Kernel } from '../kernel/kernel.js';
import type { MatrixF32 } from '../matrix.js';
import { defaultKernel } from './default-kernel.js';

export type Labels = Int32Array | readonly number[];

function toLabels(name: string, labels: Labels): Int32Array {
  if (labels instanceof Int32Array) return labels;
  const out = new Int32Array(labels.length);
  labels.forEach((v, i) => {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
      throw new RangeError(`knnShapley: ${name}[${i}] must be a 32-bit integer class label, got ${v}`);
    out[i] = v;
  });
  return out;
}

export async function knnShapley(
  trainFeatures: MatrixF32,
  trainLabels: Labels,
  testFeatures: MatrixF32,
  testLabels: Labels,
  K: number,
  options: { readonly kernel?: Kernel } = {},
): Promise<Float64Array> {
  const kernel = options.kernel ?? (await defaultKernel());
  return kernel.knnShapley(trainFeatures, toLabels('trainLabels', trainLabels), testFeatures, toLabels('testLabels', testLabels), K);
}
