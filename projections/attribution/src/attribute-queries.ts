// `cairn attribute RUN --queries FILE.npy --top K`: scores new query rows against a scored run's
// train rows with the run's own settings (same sketch seed, dim and ridge, so a query row that is
// one of the run's query rows gets exactly the stored top-k), each result traced to its CF's
// contributor, source and license. The fitted model is cached per (train artifact, kind, weights,
// settings). `--top all` reads the whole query × train score matrix instead, in blocks of query
// rows (attributionScoreBlocks), so memory stays bounded by one block whatever the sizes.
import type { Kysely } from 'kysely';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { matrixF32, scoreTrak, trakScoreMatrix, type Kernel, type MatrixF32, type TrakModel } from '@cairn/kernel';
import { cfIdFromDb } from '@cairn/projector';
import type { CfId } from '@cairn/schemas';
import type { ArtifactStore } from './artifact-store.js';
import type { CfFactsReader } from './cf-facts.js';
import { fitRunModel, firstNonFinite, trainWeightsOf, type GradientKind } from './compute.js';
import type { AttributionQueryError } from './errors.js';
import { loadGradients, loadWeights } from './gradient-artifact.js';
import { attributionKernel } from './kernel.js';
import { MAX_TOP_K } from './params.js';
import { estimatorNote, scoredRun, type ScoringRow } from './scoring-reads.js';
import { A, type AttributionDatabase } from './tables.js';

export interface AttributedCf {
  readonly rank: number;
  readonly trainRow: number;
  readonly cfId: CfId;
  /** The f32 TRAK score (exactly representable as this number). */
  readonly score: number;
  readonly kind: string;
  readonly contributor: string;
  readonly source: string | null;
  readonly license: string | null;
}

export interface QueryAttribution {
  readonly queryRow: number;
  readonly top: readonly AttributedCf[];
}

export interface AttributeQueriesOptions {
  readonly db: Kysely<AttributionDatabase>;
  readonly artifacts: ArtifactStore;
  readonly runId: string;
  readonly queries: MatrixF32;
  readonly topK: number;
  /** Where the top CFs' kind, contributor, source and license are read from (cfFactsFromLog). */
  readonly cfFacts: CfFactsReader;
  /** Default: the process's shared kernel. */
  readonly kernel?: Kernel;
}

const MODEL_CACHE_SIZE = 2;
const models = new Map<string, TrakModel>();

async function modelOf(kernel: Kernel, artifacts: ArtifactStore, s: ScoringRow): Promise<Either<AttributionQueryError, TrakModel>> {
  const key = `${s.trainHash}:${s.trainKind}:${s.weightsHash}:${JSON.stringify(s.params)}`;
  const cached = models.get(key);
  if (cached !== undefined) return right(cached);
  const train = await loadGradients(artifacts, { contentHash: s.trainHash, rows: s.trainRows, dims: s.dims });
  if (isLeft(train))
    return left({
      ...train.left,
      runId: s.runId,
      message: `run ${s.runId}: the train gradients artifact cannot be used: ${train.left.message}`,
    });
  let recorded: Float32Array | undefined;
  if (s.weightsHash !== null) {
    const w = await loadWeights(artifacts, { contentHash: s.weightsHash, rows: s.trainRows });
    if (isLeft(w))
      return left({ ...w.left, runId: s.runId, message: `run ${s.runId}: the train weights artifact cannot be used: ${w.left.message}` });
    recorded = w.right;
  }
  const weights = trainWeightsOf(s.trainKind, s.trainRows, recorded);
  const model = isLeft(weights) ? weights : await fitRunModel(kernel, train.right, s.params, weights.right);
  if (isLeft(model))
    return left({
      _tag: 'ModelUnfit',
      runId: s.runId,
      reason: model.left,
      message: `run ${s.runId}: the model cannot be fitted: ${model.left}`,
    });
  models.set(key, model.right);
  if (models.size > MODEL_CACHE_SIZE) models.delete(models.keys().next().value!);
  return right(model.right);
}

async function prepared(
  options: Omit<AttributeQueriesOptions, 'topK' | 'cfFacts'>,
): Promise<Either<AttributionQueryError, { s: ScoringRow; model: TrakModel; kernel: Kernel }>> {
  const { db, runId, queries } = options;
  const scoring = await scoredRun(db, runId);
  if (isLeft(scoring)) return scoring;
  const s = scoring.right;
  if (queries.cols !== s.dims) {
    return left({
      _tag: 'QueryShapeMismatch',
      runId,
      expectedDims: s.dims,
      actualDims: queries.cols,
      message: `queries have ${queries.cols} columns, run ${runId} was trained on ${s.dims}-dim gradients`,
    });
  }
  const bad = firstNonFinite(queries);
  if (bad >= 0) {
    return left({
      _tag: 'QueryShapeMismatch',
      runId,
      expectedDims: s.dims,
      actualDims: queries.cols,
      message: `queries: row ${Math.floor(bad / queries.cols)} column ${bad % queries.cols} is not a finite number`,
    });
  }
  const kernel = options.kernel ?? (await attributionKernel());
  const model = await modelOf(kernel, options.artifacts, s);
  if (isLeft(model)) return model;
  return right({ s, model: model.right, kernel });
}

async function trainRowMap(db: Kysely<AttributionDatabase>, s: ScoringRow): Promise<string[]> {
  const found = await db
    .selectFrom(A.gradients)
    .select('row_map')
    .where('run_id', '=', s.runId)
    .where('split', '=', 'train')
    .where('content_hash', '=', s.trainHash)
    .where('position', '<=', s.scoredAt.toString())
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return found?.row_map ?? [];
}

/** What a run's scores mean: the declared kind of its train rows (null: not declared) and one sentence on reading them. */
export interface AttributionEstimator {
  readonly runId: string;
  readonly trainKind: GradientKind | null;
  readonly weightsHash: string | null;
  readonly estimator: string;
}

export async function attributionEstimator(
  db: Kysely<AttributionDatabase>,
  runId: string,
): Promise<Either<AttributionQueryError, AttributionEstimator>> {
  const scoring = await scoredRun(db, runId);
  if (isLeft(scoring)) return scoring;
  const s = scoring.right;
  return right({ runId, trainKind: s.trainKind, weightsHash: s.weightsHash, estimator: estimatorNote(s) });
}

/** The CF of each train row the run's scores are over (column i of its score matrix is train row i). */
export async function attributionColumns(
  db: Kysely<AttributionDatabase>,
  runId: string,
): Promise<Either<AttributionQueryError, readonly string[]>> {
  const scoring = await scoredRun(db, runId);
  return isLeft(scoring) ? scoring : right(await trainRowMap(db, scoring.right));
}

/** Scores per block: at most this many f32 values (16 MiB) are held at once. */
const BLOCK_SCORES = 1 << 22;

export interface ScoreMatrix {
  /** Query rows × train rows; column i is train row i, whose CF is columns[i]. */
  readonly rows: number;
  readonly cols: number;
  readonly columns: readonly string[];
  /** Row-major blocks of whole query rows, in order. */
  readonly blocks: AsyncIterable<MatrixF32>;
}

/** The full query × train score matrix (`--top all`), computed a block of query rows at a time. */
export async function attributionScoreBlocks(
  options: Omit<AttributeQueriesOptions, 'topK' | 'cfFacts'> & { readonly blockRows?: number },
): Promise<Either<AttributionQueryError, ScoreMatrix>> {
  const ready = await prepared(options);
  if (isLeft(ready)) return ready;
  const { s, model, kernel } = ready.right;
  const { queries } = options;
  const step = Math.max(1, options.blockRows ?? Math.floor(BLOCK_SCORES / s.trainRows));
  async function* blocks(): AsyncGenerator<MatrixF32> {
    for (let from = 0; from < queries.rows; from += step) {
      const to = Math.min(queries.rows, from + step);
      const block = matrixF32(to - from, queries.cols, queries.data.subarray(from * queries.cols, to * queries.cols));
      yield await trakScoreMatrix(model, block, { kernel });
    }
  }
  return right({ rows: queries.rows, cols: s.trainRows, columns: await trainRowMap(options.db, s), blocks: blocks() });
}

export async function attributeQueries(options: AttributeQueriesOptions): Promise<Either<AttributionQueryError, QueryAttribution[]>> {
  const { db, runId, topK } = options;
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    return left({
      _tag: 'InvalidTopK',
      topK,
      message: `topK: expected an integer from 1 to ${MAX_TOP_K} (for every train row use attributionScoreBlocks, the CLI's --top all), got ${topK}`,
    });
  }
  const ready = await prepared(options);
  if (isLeft(ready)) return ready;
  const { s, model, kernel } = ready.right;
  const { topK: ranked } = await scoreTrak(model, options.queries, Math.min(topK, s.trainRows), { kernel });
  const cfOfRow = await trainRowMap(db, s);
  // only the CFs ranked are read; each was in the log by the scoring (else the run is not scored)
  const rankedCfs = new Set<string>();
  for (const row of ranked.indices) {
    const cfId = cfOfRow[row];
    if (cfId !== undefined) rankedCfs.add(cfId);
  }
  const facts = await options.cfFacts.cfFactsAt([...rankedCfs], s.scoredAt);
  if (isLeft(facts)) return facts;
  const originOf = facts.right;
  const out: QueryAttribution[] = [];
  for (let q = 0; q < ranked.rows; q++) {
    const top: AttributedCf[] = [];
    for (let j = 0; j < ranked.k; j++) {
      const trainRow = ranked.indices[q * ranked.k + j]!;
      const cfId = cfOfRow[trainRow];
      const o = cfId === undefined ? undefined : originOf.get(cfId);
      if (cfId === undefined || o === undefined)
        throw new Error(`attributeQueries: train row ${trainRow} of run ${runId} has no CF in the log`);
      top.push({
        rank: j + 1,
        trainRow,
        cfId: cfIdFromDb(o.cfId),
        score: ranked.scores[q * ranked.k + j]!,
        kind: o.kind,
        contributor: o.author,
        source: o.source,
        license: o.license,
      });
    }
    out.push({ queryRow: q, top });
  }
  return right(out);
}
