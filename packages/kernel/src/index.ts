// @cairn/kernel: attribution math on an AssemblyScript WASM kernel (SIMD128 and scalar builds,
// bit-identical), with a plain TypeScript reference of every operation.
export { loadKernel, type Kernel, type KernelOptions } from './kernel/kernel.js';
export { simdSupported, type KernelVariant } from './kernel/load.js';
export type { ScoredTopK } from './kernel/ops/ranking.js';
export { matrixF32, matrixF64, type MatrixF32, type MatrixF64, type TopK } from './matrix.js';
export { DEFAULT_SKETCH_NONZEROS, type SketchParams } from './sketch-params.js';
export type { NotPositiveDefinite } from './errors.js';
export * as reference from './reference/index.js';
export {
  fitTrak,
  scoreTrak,
  trakScoreMatrix,
  type TrakOptions,
  type TrakModel,
  type TrakScores,
  type ScoreOptions,
} from './attribution/trak.js';
export { knnShapley, type Labels } from './attribution/knn-shapley.js';
export { readNpy, writeNpy, npyHeader, type NpyError, type ReadNpyOptions } from './attribution/npy.js';
export { linearDatamodelingScore, type LdsInput, type LdsResult } from './evaluation/lds.js';
export { spearman } from './evaluation/spearman.js';
export { ldsExperiment, type LdsExperimentOptions, type LdsExperimentResult } from './evaluation/experiment.js';
export { trainLogistic, queryOutputs, exactInfluence, type LogisticTask } from './evaluation/logistic.js';
export { seededRng, randomSubsets, type Rng } from './evaluation/random.js';
