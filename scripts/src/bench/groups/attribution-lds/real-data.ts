// Attribution accuracy on real data, through the product path: the UCI breast-cancer rows (vendored
// under scripts/src/bench/data, CC BY 4.0) train a convex model here in TypeScript; the gradients a
// PyTorch user would compute by the attribution README's recipe are recorded as GradientsRecorded
// events of a run, the attribution projection scores them, and attributionScoreBlocks (`cairn
// attribute --top all`) reads the full score matrix. Ground truth is the query outputs of models
// retrained on random half subsets; each estimator is scored by LDS beside exact influence (one
// Newton step, the best a first-order method can do on this model) and random scores.
//
// Two heads on the same rows: binary logistic regression (the class) and a ridge regression head
// (mean texture from the other features, worst texture left out as a near copy of the target).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import * as E from 'fp-ts/lib/Either.js';
import { createInMemoryEventLog } from '@cairn/eventlog';
import {
  exactInfluence,
  linearDatamodelingScore,
  matrixF32,
  matrixF64,
  queryOutputs,
  randomSubsets,
  reference,
  seededRng,
  trainLogistic,
  writeNpy,
  type Kernel,
  type LogisticTask,
  type MatrixF32,
} from '@cairn/kernel';
import {
  appendRequestFor,
  createProjectionRunner,
  envelopeEvent,
  openProjectionStore,
  samplePayload,
  testContributorId,
  testDigest,
  type TestEnvelope,
} from '@cairn/projector';
import { attributionScoreBlocks, cfFactsFromLog, createAttributionProjection, createInMemoryArtifactStore } from '@cairn/attribution';

export type Head = 'logistic' | 'ridge';

export interface RealDataOptions {
  readonly head: Head;
  readonly trainRows: number;
  readonly queryRows: number;
  /** Half-size subsets retrained for the ground truth. */
  readonly subsets: number;
  /** L2 strength of training, in units of the summed loss; also the run's attribution ridge. */
  readonly l2: number;
  readonly seed: number;
  /** The run's hyperparameters.attribution.projectedDim (default: Cairn's default). */
  readonly projectedDim?: number;
  readonly kernel?: Kernel;
  readonly log?: (message: string) => void;
}

export interface RealDataLds {
  readonly exactInfluence: number;
  /** Train rows recorded as output gradients with weights (the Gauss–Newton form). */
  readonly outputGradients: number;
  /** Train rows recorded as per-example loss gradients, no weights. */
  readonly lossGradients: number;
  /** The same loss gradients recorded without a kind (scored as given, as before kinds). */
  readonly undeclared: number;
  readonly random: number;
}

/** The 569 × 30 features and 0/1 classes of the vendored CSV. */
export function breastCancer(): { readonly rows: number; readonly features: Float64Array; readonly classes: Uint8Array } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // the same relative path from src/ (jest) and from dist/ (the bench), up to the package root
  const file = path.resolve(here, '../../../../src/bench/data/breast-cancer-wisconsin/breast_cancer.csv');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const [rows, cols] = lines[0]!.split(',').map(Number) as [number, number];
  const features = new Float64Array(rows * cols);
  const classes = new Uint8Array(rows);
  lines.slice(1).forEach((line, r) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== cols + 1 || cells.some((c) => !Number.isFinite(c)))
      throw new Error(`${file}: line ${r + 2} is not ${cols} numbers and a class`);
    for (let j = 0; j < cols; j++) features[r * cols + j] = cells[j]!;
    classes[r] = cells[cols]!;
  });
  if (lines.length - 1 !== rows) throw new Error(`${file}: header says ${rows} rows, the file has ${lines.length - 1}`);
  return { rows, features, classes };
}

const TEXTURE_MEAN = 1;
const TEXTURE_WORST = 21;

interface Task {
  readonly train: MatrixF32;
  readonly queries: MatrixF32;
  /** Logistic: 0/1 class; ridge: standardised target. */
  readonly targets: Float64Array;
}

/** Shuffled train / query rows, features standardised on the train rows, with a constant bias column. */
function taskOf(head: Head, o: RealDataOptions): Task {
  const data = breastCancer();
  const cols = data.features.length / data.rows;
  if (o.trainRows + o.queryRows > data.rows)
    throw new Error(`real-data LDS: ${o.trainRows} + ${o.queryRows} rows asked, the set has ${data.rows}`);
  const order = Array.from({ length: data.rows }, (_, i) => i);
  const rng = seededRng(o.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const used =
    head === 'logistic'
      ? Array.from({ length: cols }, (_, j) => j)
      : Array.from({ length: cols }, (_, j) => j).filter((j) => j !== TEXTURE_MEAN && j !== TEXTURE_WORST);
  const target = (r: number) => (head === 'logistic' ? data.classes[r]! : data.features[r * cols + TEXTURE_MEAN]!);
  const trainIdx = order.slice(0, o.trainRows);
  const stats = (value: (r: number) => number) => {
    const mean = trainIdx.reduce((s, r) => s + value(r), 0) / trainIdx.length;
    const sd = Math.sqrt(trainIdx.reduce((s, r) => s + (value(r) - mean) ** 2, 0) / trainIdx.length) || 1;
    return { mean, sd };
  };
  const featureStats = used.map((j) => stats((r) => data.features[r * cols + j]!));
  const d = used.length + 1;
  const matrix = (idx: readonly number[]) => {
    const m = matrixF32(idx.length, d);
    idx.forEach((r, i) => {
      used.forEach((j, k) => (m.data[i * d + k] = (data.features[r * cols + j]! - featureStats[k]!.mean) / featureStats[k]!.sd));
      m.data[i * d + d - 1] = 1;
    });
    return m;
  };
  const y = stats(target);
  const targets = Float64Array.from(trainIdx, (r) => (head === 'logistic' ? target(r) : (target(r) - y.mean) / y.sd));
  return { train: matrix(trainIdx), queries: matrix(order.slice(o.trainRows, o.trainRows + o.queryRows)), targets };
}

function dot(m: MatrixF32, row: number, theta: Float64Array): number {
  let z = 0;
  for (let j = 0; j < m.cols; j++) z += m.data[row * m.cols + j]! * theta[j]!;
  return z;
}

/** Ridge: θ = (XᵀX + λI)⁻¹Xᵀy over the rows in the mask. */
function trainRidge(task: Task, l2: number, mask?: Uint8Array): Float64Array {
  const { train, targets } = task;
  const d = train.cols;
  const g = new Float64Array(d * d);
  const b = new Float32Array(d);
  const rhs = new Float64Array(d);
  for (let r = 0; r < train.rows; r++) {
    if (mask && !mask[r]) continue;
    for (let a = 0; a < d; a++) {
      const xa = train.data[r * d + a]!;
      rhs[a] = rhs[a]! + xa * targets[r]!;
      for (let c = 0; c < d; c++) g[a * d + c] = g[a * d + c]! + xa * train.data[r * d + c]!;
    }
  }
  const factor = reference.cholesky(matrixF64(d, d, g), l2);
  if (E.isLeft(factor)) throw new Error(`ridge: ${factor.left.reason}`);
  b.set(rhs);
  // one right-hand side through the kernel's reference solve (f32 in, f32 out); precise enough for the outputs' ranks
  return Float64Array.from(reference.choleskySolveRows(factor.right, matrixF32(1, d, b)).data);
}

/** Exact influence of including train row i on query q's output for ridge: x_qᵀ(XᵀX + λI)⁻¹x_i·(y_i − f_i), query-major. */
function ridgeInfluence(task: Task, l2: number, theta: Float64Array): Float64Array {
  const { train, queries, targets } = task;
  const d = train.cols;
  const g = new Float64Array(d * d);
  for (let r = 0; r < train.rows; r++)
    for (let a = 0; a < d; a++) for (let c = 0; c < d; c++) g[a * d + c] = g[a * d + c]! + train.data[r * d + a]! * train.data[r * d + c]!;
  const factor = reference.cholesky(matrixF64(d, d, g), l2);
  if (E.isLeft(factor)) throw new Error(`ridge: ${factor.left.reason}`);
  const solved = reference.choleskySolveRows(factor.right, queries);
  const out = new Float64Array(queries.rows * train.rows);
  for (let i = 0; i < train.rows; i++) {
    const resid = targets[i]! - dot(train, i, theta);
    for (let q = 0; q < queries.rows; q++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += solved.data[q * d + j]! * train.data[i * d + j]!;
      out[q * train.rows + i] = s * resid;
    }
  }
  return out;
}

/**
 * What the README's recipe gives for this model: per train row the output gradient (scaled by
 * √ℓ'') and its weight −ℓ'/√ℓ'', and the per-example loss gradient; per query the output gradient.
 * Both heads are linear in θ, so ∇θ f(x) = x.
 */
function userGradients(head: Head, task: Task, theta: Float64Array): { phi: MatrixF32; weights: Float32Array; loss: MatrixF32 } {
  const { train, targets } = task;
  const d = train.cols;
  const phi = matrixF32(train.rows, d);
  const loss = matrixF32(train.rows, d);
  const weights = new Float32Array(train.rows);
  for (let r = 0; r < train.rows; r++) {
    const f = dot(train, r, theta);
    let scale: number, weight: number, dLoss: number;
    if (head === 'logistic') {
      const p = 1 / (1 + Math.exp(-f));
      scale = Math.sqrt(Math.max(p * (1 - p), 1e-12));
      weight = (targets[r]! - p) / scale;
      dLoss = p - targets[r]!;
    } else {
      scale = 1;
      weight = targets[r]! - f;
      dLoss = f - targets[r]!;
    }
    weights[r] = weight;
    for (let j = 0; j < d; j++) {
      phi.data[r * d + j] = scale * train.data[r * d + j]!;
      loss.data[r * d + j] = dLoss * train.data[r * d + j]!;
    }
  }
  return { phi, weights, loss };
}

const CONTRIBUTOR = testContributorId('uci-wdbc');
const VERSION = testDigest('breast-cancer-wisconsin');

/** Records one run per way of giving the train rows, lets the projection score them, and reads each full score matrix back. */
async function productScores(
  task: Task,
  inputs: ReturnType<typeof userGradients>,
  o: RealDataOptions,
): Promise<{ outputGradients: Float32Array; lossGradients: Float32Array; undeclared: Float32Array }> {
  const artifacts = createInMemoryArtifactStore();
  const events: TestEnvelope[] = [];
  const cf = (i: number) => {
    const e: TestEnvelope = {
      type: 'SampleContributed',
      payload: samplePayload(`wdbc-${o.head}-${i}`, { license: 'CC-BY-4.0' }),
      signer: CONTRIBUTOR,
    };
    events.push(e);
    return envelopeEvent(e).id;
  };
  const trainCfs = Array.from({ length: task.train.rows }, (_, i) => cf(i));
  const queryCfs = Array.from({ length: task.queries.rows }, (_, i) => cf(task.train.rows + i));
  const artifact = async (m: MatrixF32) => ({
    contentHash: await artifacts.put(writeNpy(m)),
    format: 'npy',
    rows: m.rows,
    dims: m.cols,
    dtype: 'float32',
  });
  const queryArtifact = await artifact(task.queries);
  const weightsHash = await artifacts.put(writeNpy(matrixF32(inputs.weights.length, 1, inputs.weights)));
  const settings = { ridge: o.l2, seed: o.seed, ...(o.projectedDim === undefined ? {} : { projectedDim: o.projectedDim }) };
  const runs = {
    outputGradients: {
      matrix: inputs.phi,
      extra: {
        kind: 'output-gradients',
        weights: { contentHash: weightsHash, format: 'npy', rows: inputs.weights.length, dtype: 'float32' },
      },
    },
    lossGradients: { matrix: inputs.loss, extra: { kind: 'loss-gradients' } },
    undeclared: { matrix: inputs.loss, extra: {} },
  };
  for (const [name, r] of Object.entries(runs)) {
    const runId = `wdbc-${o.head}-${name}`;
    events.push({
      type: 'TrainingRunRecorded',
      payload: {
        runId,
        dataset: { name: 'breast-cancer-wisconsin', versionId: VERSION },
        codeVersion: 'scripts/bench attribution-lds',
        seeds: { attribution: o.seed },
        hyperparameters: { l2: o.l2, head: o.head, attribution: settings },
        environment: { node: process.version },
        modelHash: testDigest(`${o.head}-model`),
      },
      signer: CONTRIBUTOR,
    });
    events.push({
      type: 'GradientsRecorded',
      payload: { runId, split: 'train', artifact: await artifact(r.matrix), rowMap: trainCfs, ...r.extra },
      signer: CONTRIBUTOR,
    });
    events.push({
      type: 'GradientsRecorded',
      payload: { runId, split: 'query', kind: 'output-gradients', artifact: queryArtifact, rowMap: queryCfs },
      signer: CONTRIBUTOR,
    });
  }
  const log = createInMemoryEventLog();
  const pglite = await PGlite.create();
  const store = await openProjectionStore({ pglite });
  try {
    for (const e of events) {
      const appended = await log.append(appendRequestFor(envelopeEvent(e)));
      if (E.isLeft(appended)) throw new Error(`real-data LDS: append ${e.type}: ${JSON.stringify(appended.left)}`);
    }
    const kernelOption = o.kernel === undefined ? {} : { kernel: o.kernel };
    const runner = createProjectionRunner({
      log,
      store,
      projections: [createAttributionProjection({ artifacts, cfFacts: cfFactsFromLog(log), ...kernelOption })],
      batchSize: 1000,
    });
    const caught = await runner.runOnce();
    if (E.isLeft(caught)) throw new Error(`real-data LDS: projection: ${JSON.stringify(caught.left)}`);
    const out: Record<string, Float32Array> = {};
    for (const name of Object.keys(runs)) {
      const matrix = await attributionScoreBlocks({
        db: store.db,
        artifacts,
        runId: `wdbc-${o.head}-${name}`,
        queries: task.queries,
        ...kernelOption,
      });
      if (E.isLeft(matrix)) throw new Error(`real-data LDS: run ${name}: ${matrix.left.message}`);
      const scores = new Float32Array(matrix.right.rows * matrix.right.cols);
      let at = 0;
      for await (const block of matrix.right.blocks) {
        scores.set(block.data, at);
        at += block.data.length;
      }
      out[name] = scores;
    }
    return { outputGradients: out.outputGradients!, lossGradients: out.lossGradients!, undeclared: out.undeclared! };
  } finally {
    await store.close();
    await pglite.close();
    await log.close();
  }
}

export async function realDataLds(o: RealDataOptions): Promise<RealDataLds> {
  const task = taskOf(o.head, o);
  const logistic: LogisticTask = { train: task.train, trainLabels: Uint8Array.from(task.targets), queries: task.queries, l2: o.l2 };
  const fit = (mask?: Uint8Array) => (o.head === 'logistic' ? trainLogistic(logistic, mask) : trainRidge(task, o.l2, mask));
  const theta = fit();
  const exact = o.head === 'logistic' ? exactInfluence(logistic, theta) : ridgeInfluence(task, o.l2, theta);
  o.log?.(
    `${o.head}: ${task.train.rows} train rows × ${task.train.cols} dims, ${task.queries.rows} queries; recording three runs and scoring them`,
  );
  const product = await productScores(task, userGradients(o.head, task, theta), o);
  const subsets = randomSubsets(task.train.rows, o.subsets, 0.5, o.seed + 1);
  o.log?.(`${o.head}: retraining on ${o.subsets} half subsets`);
  const actual = subsets.map((mask) => {
    const t = fit(mask);
    return o.head === 'logistic'
      ? queryOutputs(logistic, t)
      : Float64Array.from({ length: task.queries.rows }, (_, q) => dot(task.queries, q, t));
  });
  const lds = (scores: ArrayLike<number>) => linearDatamodelingScore({ scores, trainRows: task.train.rows, subsets, actual }).lds;
  const rng = seededRng(o.seed ^ 0x5bd1e995);
  return {
    exactInfluence: lds(exact),
    outputGradients: lds(product.outputGradients),
    lossGradients: lds(product.lossGradients),
    undeclared: lds(product.undeclared),
    random: lds(Float64Array.from({ length: exact.length }, () => rng.normal())),
  };
}
