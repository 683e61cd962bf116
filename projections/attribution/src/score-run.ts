// Scoring a run at the position of the event that completed it (a GradientsRecorded, usually the
// query split). Missing or damaged artifacts stop the projection (an error naming the run, the
// split, the hash and the event) because skipping them would leave silently wrong tables; inputs
// that are present but cannot be scored (no positive-definite fit, mismatched dims, NaN) are
// recorded as an unscorable scoring with the reason, so one bad run does not block the log.
import { sql, type Transaction } from 'kysely';
import { isLeft, isRight, left } from 'fp-ts/lib/Either.js';
import type { Kernel, MatrixF32 } from '@cairn/kernel';
import { EventNotApplicable } from '@cairn/projector';
import type { ProjectedEvent } from '@cairn/projector';
import { positionToDb } from '@cairn/projector';
import type { ArtifactStore } from './artifact-store.js';
import type { CfFactsReader } from './cf-facts.js';
import { fitRunModel, scoreRun, trainWeightsOf, type RunScores } from './compute.js';
import { loadGradients, loadWeights } from './gradient-artifact.js';
import { classLabelsAt } from './labels.js';
import { cfOriginsAt, latestGradients, runAt, type GradientsRow, type RunRow } from './run-inputs.js';
import { computeShares, type CfValue } from './shares.js';
import { A, type AttributionDatabase } from './tables.js';

async function gradientsOf(artifacts: ArtifactStore, runId: string, split: string, g: GradientsRow): Promise<MatrixF32> {
  const loaded = await loadGradients(artifacts, g);
  if (isLeft(loaded)) {
    throw new Error(
      `run ${runId}: the ${split} gradients artifact ${g.contentHash} (GradientsRecorded ${g.eventId}) cannot be used: ${loaded.left.message}`,
    );
  }
  return loaded.right;
}

export async function scoreRunAt(
  tx: Transaction<AttributionDatabase>,
  kernel: () => Promise<Kernel>,
  artifacts: ArtifactStore,
  cfFacts: CfFactsReader,
  runId: string,
  event: ProjectedEvent,
): Promise<void> {
  const at = positionToDb(event.position);
  const run = await runAt(tx, runId, at);
  if (run === undefined || run.params === null) return; // no run yet, or its settings are invalid (params_error says why)
  const train = await latestGradients(tx, runId, 'train', at);
  const query = await latestGradients(tx, runId, 'query', at);
  if (train === undefined || query === undefined) return;
  // only a GradientsRecorded of this run completes a new pair; anything else re-scores nothing
  if (event.id !== train.eventId && event.id !== query.eventId) return;

  const origins = await cfOriginsAt(tx, cfFacts, train.rowMap, event.position);
  const unknown = train.rowMap.findIndex((cf) => !origins.has(cf));
  if (unknown >= 0) {
    throw new EventNotApplicable(
      `run ${runId}: train rowMap[${unknown}] (GradientsRecorded ${train.eventId}) names CF ${train.rowMap[unknown]}, which the log has not contributed by position ${at}`,
    );
  }
  const trainMatrix = await gradientsOf(artifacts, runId, 'train', train);
  const queryMatrix = await gradientsOf(artifacts, runId, 'query', query);
  let recordedWeights: Float32Array | undefined;
  if (train.weightsHash !== null) {
    const loaded = await loadWeights(artifacts, { contentHash: train.weightsHash, rows: train.rows });
    if (isLeft(loaded)) {
      throw new Error(
        `run ${runId}: the train weights artifact ${train.weightsHash} (GradientsRecorded ${train.eventId}) cannot be used: ${loaded.left.message}`,
      );
    }
    recordedWeights = loaded.right;
  }
  const params = run.params;
  const k = await kernel();
  const weights = trainWeightsOf(train.kind, train.rows, recordedWeights);
  const model = isLeft(weights) ? weights : await fitRunModel(k, trainMatrix, params, weights.right);
  let scores = isLeft(model) ? model : left<string, RunScores>('');
  if (isRight(model) && isRight(weights)) {
    const labels = await classLabelsAt(tx, params.labelType, train.rowMap, query.rowMap, at);
    scores = await scoreRun(k, model.right, trainMatrix, weights.right !== undefined, queryMatrix, params, labels);
  }
  if (isRight(scores)) {
    const s = scores.right;
    // NaN in knnShapley marks a row left out for want of a label, not an overflow
    const nonFinite =
      [...s.topK.scores, ...s.trainInfluence].some((x) => !Number.isFinite(x)) ||
      (s.knnShapley ?? []).some((x) => x === Infinity || x === -Infinity);
    if (nonFinite) scores = left('the scores overflowed to a non-finite number (scale the gradients down)');
  }
  await tx
    .insertInto(A.scorings)
    .values({
      run_id: runId,
      scored_at: at,
      status: isRight(scores) ? 'scored' : 'unscorable',
      reason: isLeft(scores) ? scores.left : null,
      train_hash: train.contentHash,
      query_hash: query.contentHash,
      train_event: train.eventId,
      query_event: query.eventId,
      train_rows: train.rows,
      query_rows: query.rows,
      dims: train.dims,
      params: sql<string>`${JSON.stringify(params)}::jsonb`,
      shapley_reason: isRight(scores) ? scores.right.shapleyReason : null,
      train_kind: train.kind,
      weights_hash: train.weightsHash,
      shapley_excluded: sql<string>`${isRight(scores) && scores.right.shapleyExcluded !== null ? JSON.stringify(scores.right.shapleyExcluded) : null}::jsonb`,
    })
    .execute();
  if (isRight(scores)) await writeScores(tx, run, at, train, query, scores.right, origins);
}

async function writeScores(
  tx: Transaction<AttributionDatabase>,
  run: RunRow,
  at: string,
  train: GradientsRow,
  query: GradientsRow,
  s: RunScores,
  origins: Parameters<typeof computeShares>[1],
): Promise<void> {
  const { topK } = s;
  const qRow: number[] = [],
    rank: number[] = [],
    qCf: string[] = [],
    tRow: number[] = [],
    cf: string[] = [],
    score: number[] = [];
  for (let q = 0; q < topK.rows; q++) {
    for (let j = 0; j < topK.k; j++) {
      const row = topK.indices[q * topK.k + j]!;
      qRow.push(q);
      rank.push(j + 1);
      qCf.push(query.rowMap[q]!);
      tRow.push(row);
      cf.push(train.rowMap[row]!);
      score.push(topK.scores[q * topK.k + j]!);
    }
  }
  await tx
    .insertInto(A.topK)
    .columns(['run_id', 'scored_at', 'query_row', 'rank', 'query_cf', 'train_row', 'cf_id', 'score'])
    .expression(
      sql`select ${run.runId}, ${at}::bigint, * from unnest(${qRow}::int4[], ${rank}::int4[], ${qCf}::text[], ${tRow}::int4[], ${cf}::text[], ${score}::float8[])`,
    )
    .execute();

  // a CF may own several rows (augmentations): its value is the sum over its rows, in row order
  // (rows left out of KNN-Shapley for want of a label add nothing; a CF with none of its rows valued has null)
  const byCf = new Map<string, { firstRow: number; rows: number; influence: number; knn: number | null }>();
  train.rowMap.forEach((cfId, row) => {
    const v = byCf.get(cfId) ?? { firstRow: row, rows: 0, influence: 0, knn: null };
    v.rows += 1;
    v.influence += s.trainInfluence[row]!;
    const knn = s.knnShapley?.[row];
    if (knn !== undefined && !Number.isNaN(knn)) v.knn = (v.knn ?? 0) + knn;
    byCf.set(cfId, v);
  });
  const values: CfValue[] = [...byCf].map(([cfId, v]) => ({ cfId, influence: v.influence, knnShapley: v.knn }));
  const entries = [...byCf];
  await tx
    .insertInto(A.cfValues)
    .columns(['run_id', 'scored_at', 'cf_id', 'first_row', 'row_count', 'influence', 'knn_shapley'])
    .expression(
      sql`select ${run.runId}, ${at}::bigint, * from unnest(${entries.map(([c]) => c)}::text[], ${entries.map(([, v]) => v.firstRow)}::int4[],
        ${entries.map(([, v]) => v.rows)}::int4[], ${entries.map(([, v]) => v.influence)}::float8[],
        ${entries.map(([, v]) => v.knn)}::float8[])`,
    )
    .execute();

  const shares = computeShares(values, origins, s.knnShapley !== null);
  await tx
    .insertInto(A.shares)
    .columns(['run_id', 'scored_at', 'kind', 'rank', 'key', 'credit', 'share', 'shapley_credit', 'shapley_share', 'cf_count', 'evidence'])
    .expression(
      sql`select ${run.runId}, ${at}::bigint, * from unnest(${shares.map((r) => r.kind)}::text[], ${shares.map((r) => r.rank)}::int4[],
        ${shares.map((r) => r.key)}::text[], ${shares.map((r) => r.credit)}::float8[], ${shares.map((r) => r.share)}::float8[],
        ${shares.map((r) => r.shapleyCredit)}::float8[], ${shares.map((r) => r.shapleyShare)}::float8[], ${shares.map((r) => r.cfCount)}::int4[],
        ${shares.map((r) => JSON.stringify(r.evidence))}::jsonb[])`,
    )
    .execute();
}
