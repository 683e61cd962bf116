// L2-regularised logistic regression, the convex task of the LDS evaluation: minimise
// Σ_{i∈S} log(1 + exp(−ỹ_i·θᵀx_i)) + (λ/2)‖θ‖² by Newton's method (small d), deterministic.
import * as E from 'fp-ts/lib/Either.js';
import { matrixF32, matrixF64, type MatrixF32 } from '../matrix.js';
import { cholesky, choleskySolveRows } from '../reference/linalg.js';
import { seededRng } from './random.js';

export interface LogisticTask {
  readonly train: MatrixF32;
  /** 0/1 labels. */
  readonly trainLabels: Uint8Array;
  readonly queries: MatrixF32;
  readonly l2: number;
}

/** Gaussian features (last one constant 1, the bias), labels from a noisy linear teacher. */
export function makeLogisticTask(options: { trainRows: number; queryRows: number; dim: number; l2: number; seed: number }): LogisticTask {
  const rng = seededRng(options.seed);
  const d = options.dim;
  const teacher = Float64Array.from({ length: d }, () => rng.normal() / Math.sqrt(d));
  const sample = (rows: number): MatrixF32 => {
    const m = matrixF32(rows, d);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) m.data[r * d + j] = j === d - 1 ? 1 : rng.normal();
    return m;
  };
  const train = sample(options.trainRows);
  const trainLabels = new Uint8Array(options.trainRows);
  for (let r = 0; r < train.rows; r++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += teacher[j]! * train.data[r * d + j]! * 3;
    trainLabels[r] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { train, trainLabels, queries: sample(options.queryRows), l2: options.l2 };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function dot(x: Float32Array, at: number, theta: Float64Array): number {
  let z = 0;
  for (let j = 0; j < theta.length; j++) z += x[at + j]! * theta[j]!;
  return z;
}

/** H = Σ_{mask} p(1 − p)·x·xᵀ (without λ), at θ. */
function hessian(task: LogisticTask, theta: Float64Array, mask?: Uint8Array): Float64Array {
  const { train } = task;
  const d = train.cols;
  const h = new Float64Array(d * d);
  for (let r = 0; r < train.rows; r++) {
    if (mask && !mask[r]) continue;
    const p = sigmoid(dot(train.data, r * d, theta));
    const w = p * (1 - p);
    for (let a = 0; a < d; a++) {
      const xa = w * train.data[r * d + a]!;
      for (let b = 0; b <= a; b++) h[a * d + b] = h[a * d + b]! + xa * train.data[r * d + b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) h[a * d + b] = h[b * d + a]!;
  return h;
}

/** Solves (H + λI)·v = rhs for each row of rhs (f64 in, f32 out). */
function solve(h: Float64Array, d: number, l2: number, rhs: MatrixF32): MatrixF32 {
  const l = cholesky(matrixF64(d, d, h), l2);
  if (E.isLeft(l)) throw new Error(`logistic: ${l.left.reason}`); // λ > 0 makes this SPD
  return choleskySolveRows(l.right, rhs);
}

/** θ of the model trained on the rows in `mask` (all rows when omitted). */
export function trainLogistic(task: LogisticTask, mask?: Uint8Array, iterations = 25): Float64Array {
  const { train, trainLabels, l2 } = task;
  const d = train.cols;
  const theta = new Float64Array(d);
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(d);
    for (let r = 0; r < train.rows; r++) {
      if (mask && !mask[r]) continue;
      const g = sigmoid(dot(train.data, r * d, theta)) - trainLabels[r]!;
      for (let j = 0; j < d; j++) grad[j] = grad[j]! + g * train.data[r * d + j]!;
    }
    let norm = 0;
    for (let j = 0; j < d; j++) {
      grad[j] = grad[j]! + l2 * theta[j]!;
      norm += grad[j]! * grad[j]!;
    }
    if (Math.sqrt(norm) < 1e-10) break;
    // Newton step in f64; the f32 rounding of the step only slows the last digits, not convergence.
    const step = solve(hessian(task, theta, mask), d, l2, matrixF32(1, d, Float32Array.from(grad)));
    for (let j = 0; j < d; j++) theta[j] = theta[j]! - step.data[j]!;
  }
  return theta;
}

/** Logits θᵀx of each query row. */
export function queryOutputs(task: LogisticTask, theta: Float64Array): Float64Array {
  const { queries } = task;
  return Float64Array.from({ length: queries.rows }, (_, q) => dot(queries.data, q * queries.cols, theta));
}

/**
 * What TRAK needs from the trained model: per train row φ_i = √(p_i(1−p_i))·x_i (so ΦᵀΦ is the
 * Hessian of the loss) and w_i = (y_i − p_i)/√(p_i(1−p_i)) (so w_i·φ_i is minus the loss gradient).
 */
export function trakInputs(task: LogisticTask, theta: Float64Array): { features: MatrixF32; weights: Float32Array } {
  const { train, trainLabels } = task;
  const d = train.cols;
  const features = matrixF32(train.rows, d);
  const weights = new Float32Array(train.rows);
  for (let r = 0; r < train.rows; r++) {
    const p = sigmoid(dot(train.data, r * d, theta));
    const s = Math.sqrt(Math.max(p * (1 - p), 1e-12));
    for (let j = 0; j < d; j++) features.data[r * d + j] = s * train.data[r * d + j]!;
    weights[r] = (trainLabels[r]! - p) / s;
  }
  return { features, weights };
}

/**
 * Exact (one Newton step) influence of including train row i on query q's logit:
 * τ(q, i) = x_qᵀ(H + λI)⁻¹x_i·(y_i − p_i), query-major.
 */
export function exactInfluence(task: LogisticTask, theta: Float64Array): Float64Array {
  const { train, trainLabels, queries, l2 } = task;
  const d = train.cols;
  const solved = solve(hessian(task, theta), d, l2, queries);
  const out = new Float64Array(queries.rows * train.rows);
  for (let i = 0; i < train.rows; i++) {
    const resid = trainLabels[i]! - sigmoid(dot(train.data, i * d, theta));
    for (let q = 0; q < queries.rows; q++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += solved.data[q * d + j]! * train.data[i * d + j]!;
      out[q * train.rows + i] = s * resid;
    }
  }
  return out;
}
