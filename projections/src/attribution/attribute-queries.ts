// `cairn attribute RUN --queries FILE.npy --top K`: scores new query rows against a scored run's
// train rows with the run's own settings (same sketch seed, dim and ridge, so a query row that is
// one of the run's query rows gets exactly the stored top-k), each result traced to its CF's
// contributor, source and license. The fitted model is cached per (train artifact, settings).
import { sql, type Kysely } from 'kysely';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { scoreTrak, type Kernel, type MatrixF32, type TrakModel } from '@cairn/kernel';
import type { AnyDB } from '../runner/projection.js';
import type { ArtifactStore } from './artifact-store.js';
import { fitRunModel, firstNonFinite } from './compute.js';
import type { AttributionQueryError } from './errors.js';
import { loadGradients } from './gradient-artifact.js';
import { attributionKernel } from './kernel.js';
import { MAX_TOP_K } from './params.js';
import { scoredRun, type ScoringRow } from './scoring-reads.js';
import { A } from './tables.js';

export interface AttributedCf {
  readonly rank: number;
  readonly trainRow: number;
  readonly cfId: string;
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
  readonly db: Kysely<AnyDB>;
  readonly artifacts: ArtifactStore;
  readonly runId: string;
  readonly queries: MatrixF32;
  readonly topK: number;
  /** Default: the process's shared kernel. */
  readonly kernel?: Kernel;
}

const MODEL_CACHE_SIZE = 2;
const models = new Map<string, TrakModel>();

async function modelOf(kernel: Kernel, artifacts: ArtifactStore, s: ScoringRow): Promise<Either<AttributionQueryError, TrakModel>> {
  const key = `${s.trainHash}:${JSON.stringify(s.params)}`;
  const cached = models.get(key);
  if (cached !== undefined) return right(cached);
  const train = await loadGradients(artifacts, { contentHash: s.trainHash, rows: s.trainRows, dims: s.dims });
  if (isLeft(train)) return left({ ...train.left, runId: s.runId, message: `run ${s.runId}: the train gradients artifact cannot be used: ${train.left.message}` });
  const model = await fitRunModel(kernel, train.right, s.params);
  if (isLeft(model)) return left({ _tag: 'ModelUnfit', runId: s.runId, reason: model.left, message: `run ${s.runId}: the model cannot be fitted: ${model.left}` });
  models.set(key, model.right);
  if (models.size > MODEL_CACHE_SIZE) models.delete(models.keys().next().value!);
  return right(model.right);
}

export async function attributeQueries(options: AttributeQueriesOptions): Promise<Either<AttributionQueryError, QueryAttribution[]>> {
  const { db, runId, queries, topK } = options;
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    return left({ _tag: 'InvalidTopK', topK, message: `topK: expected an integer from 1 to ${MAX_TOP_K}, got ${topK}` });
  }
  const scoring = await scoredRun(db, runId);
  if (isLeft(scoring)) return scoring;
  const s = scoring.right;
  if (queries.cols !== s.dims) {
    return left({ _tag: 'QueryShapeMismatch', runId, expectedDims: s.dims, actualDims: queries.cols, message: `queries have ${queries.cols} columns, run ${runId} was trained on ${s.dims}-dim gradients` });
  }
  const bad = firstNonFinite(queries);
  if (bad >= 0) {
    return left({ _tag: 'QueryShapeMismatch', runId, expectedDims: s.dims, actualDims: queries.cols, message: `queries: row ${Math.floor(bad / queries.cols)} column ${bad % queries.cols} is not a finite number` });
  }
  const kernel = options.kernel ?? (await attributionKernel());
  const model = await modelOf(kernel, options.artifacts, s);
  if (isLeft(model)) return model;
  const { topK: ranked } = await scoreTrak(model.right, queries, Math.min(topK, s.trainRows), { kernel });

  const rowMap = await sql<{ row_map: string[] }>`select row_map from ${sql.table(A.gradients)}
    where run_id = ${runId} and split = 'train' and content_hash = ${s.trainHash} and position <= ${s.scoredAt.toString()}::bigint
    order by position desc limit 1`.execute(db);
  const cfOfRow = rowMap.rows[0]?.row_map ?? [];
  const origins = await sql<{ cf_id: string; kind: string; author: string; source: string | null; license: string | null }>`
    select cf_id, kind, author, source, license from ${sql.table(A.cfs)} where cf_id = any(${[...new Set(cfOfRow)]}::text[])`.execute(db);
  const originOf = new Map(origins.rows.map((o) => [o.cf_id, o]));
  const out: QueryAttribution[] = [];
  for (let q = 0; q < ranked.rows; q++) {
    const top: AttributedCf[] = [];
    for (let j = 0; j < ranked.k; j++) {
      const trainRow = ranked.indices[q * ranked.k + j]!;
      const cfId = cfOfRow[trainRow];
      const o = cfId === undefined ? undefined : originOf.get(cfId);
      if (cfId === undefined || o === undefined) throw new Error(`attributeQueries: train row ${trainRow} of run ${runId} has no CF in the projection`);
      top.push({ rank: j + 1, trainRow, cfId, score: ranked.scores[q * ranked.k + j]!, kind: o.kind, contributor: o.author, source: o.source, license: o.license });
    }
    out.push({ queryRow: q, top });
  }
  return right(out);
}
