// What the train rows are decides the estimator: output gradients take their recorded weights,
// loss gradients take −1, an undeclared kind is scored as given and the answer says so. KNN-Shapley
// leaves out rows without a label instead of voiding every value. The full score matrix is read
// in blocks. Every `then` also rebuilds the projection and requires byte-identical dumps.
import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { fitTrak, knnShapley, matrixF32, scoreTrak, trakScoreMatrix, writeNpy, type MatrixF32 } from '@cairn/kernel';
import { openProjectionStore } from '@cairn/projector';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import { projectionSpecification, type TestEnvelope } from '@cairn/projector';
import { createInMemoryArtifactStore } from './artifact-store.js';
import { attributeQueries, attributionEstimator, attributionScoreBlocks } from './attribute-queries.js';
import { creditShares } from './credit.js';
import { attributionKernel, closeAttributionKernel } from './kernel.js';
import { createAttributionProjection } from './projection.js';
import { cfFactsFromLog } from './cf-facts.js';
import { A } from './tables.js';
import { QUERY_ROWS, RUN_ID, SETTINGS, TRAIN_ROWS, givenRun, gradientsEvent, randomMatrix } from './__tests__/scenario.js';

const instances: PGlite[] = [];
afterAll(async () => {
  await closeAttributionKernel();
  for (const p of instances) await p.close();
});

const right = <T>(e: Either<{ message: string }, T>): T => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};
const f32Bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

const artifacts = createInMemoryArtifactStore();
const spec = projectionSpecification({
  projections: (log) => [createAttributionProjection({ artifacts, cfFacts: cfFactsFromLog(log) })],
  store: async () => {
    const pglite = await PGlite.create();
    instances.push(pglite);
    return openProjectionStore({ pglite });
  },
  batchSize: 64,
});

function withFields(e: TestEnvelope, fields: Record<string, unknown>): TestEnvelope {
  return { ...e, payload: { ...(e.payload as Record<string, unknown>), ...fields } } as TestEnvelope;
}

async function fitted(train: MatrixF32, trainWeights?: Float32Array) {
  const kernel = await attributionKernel();
  const model = await fitTrak(train, {
    projectedDim: SETTINGS.projectedDim,
    seed: SETTINGS.seed,
    ridge: SETTINGS.ridge,
    kernel,
    ...(trainWeights ? { trainWeights } : {}),
  });
  if (isLeft(model)) throw new Error(model.left.reason);
  return model.right;
}

async function expectedTopK(train: MatrixF32, query: MatrixF32, trainWeights?: Float32Array) {
  const model = await fitted(train, trainWeights);
  return { model, ...(await scoreTrak(model, query, SETTINGS.topK, { kernel: await attributionKernel() })) };
}

describe('attribution by declared kind', () => {
  it('given train rows declared output-gradients with weights, when scored, then the stored top-k is TRAK with those weights, bit for bit, and the answer says which estimator', async () => {
    const s = await givenRun(artifacts);
    const weights = Float32Array.from({ length: TRAIN_ROWS }, (_, i) => (i % 5) - 2.5);
    const weightsHash = await artifacts.put(writeNpy(matrixF32(TRAIN_ROWS, 1, weights)));
    const expected = await expectedTopK(s.train, s.query, weights);
    const train = withFields(gradientsEvent('train', s.trainHash, s.trainCfs), {
      kind: 'output-gradients',
      weights: { contentHash: weightsHash, format: 'npy', rows: TRAIN_ROWS, dtype: 'float32' },
    });
    await spec
      .given(s.events)
      .when([train, withFields(gradientsEvent('query', s.queryHash, s.queryCfs), { kind: 'output-gradients' })])
      .then(async ({ db, log }) => {
        const rows = await sql<{
          train_row: number;
          score: number;
        }>`select train_row, score from ${sql.table(A.topK)} order by query_row, rank`.execute(db);
        expect(rows.rows.map((r) => r.train_row)).toEqual([...expected.topK.indices]);
        expect(rows.rows.map((r) => f32Bits(r.score))).toEqual([...expected.topK.scores].map(f32Bits));
        const credit = right(await creditShares({ db, runId: RUN_ID }));
        expect(credit.trainKind).toBe('output-gradients');
        expect(credit.estimator).toMatch(/positive score means including the CF raises the query output/);
        const again = right(
          await attributeQueries({ db, artifacts, cfFacts: cfFactsFromLog(log), runId: RUN_ID, queries: s.query, topK: SETTINGS.topK }),
        );
        expect(again.flatMap((q) => q.top.map((t) => t.trainRow))).toEqual([...expected.topK.indices]);
      });
  });

  it('given train rows declared loss-gradients, when scored, then each score is minus the score of the same rows recorded without a kind, and only the undeclared answer says "kind not declared"', async () => {
    const s = await givenRun(artifacts);
    const kernel = await attributionKernel();
    const asGiven = await fitted(s.train);
    const undeclaredMatrix = await trakScoreMatrix(asGiven, s.query, { kernel });
    await spec
      .given(s.events)
      .when([
        withFields(gradientsEvent('train', s.trainHash, s.trainCfs), { kind: 'loss-gradients' }),
        gradientsEvent('query', s.queryHash, s.queryCfs),
      ])
      .then(async ({ db }) => {
        const full = right(await attributionScoreBlocks({ db, artifacts, runId: RUN_ID, queries: s.query }));
        const scores: number[] = [];
        for await (const block of full.blocks) scores.push(...block.data);
        expect(scores).toHaveLength(QUERY_ROWS * TRAIN_ROWS);
        scores.forEach((x, i) => expect(f32Bits(x)).toBe(f32Bits(-undeclaredMatrix.data[i]!)));
        expect(right(await attributionEstimator(db, RUN_ID)).trainKind).toBe('loss-gradients');
        expect(right(await creditShares({ db, runId: RUN_ID })).estimator).not.toMatch(/kind not declared/);
      });
    await spec
      .given(s.events)
      .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(async ({ db }) => {
        const estimator = right(await attributionEstimator(db, RUN_ID));
        expect(estimator.trainKind).toBeNull();
        expect(estimator.estimator).toMatch(/^kind not declared/);
        const full = right(await attributionScoreBlocks({ db, artifacts, runId: RUN_ID, queries: s.query, blockRows: 5 }));
        const scores: number[] = [];
        let blocks = 0;
        for await (const block of full.blocks) {
          blocks += 1;
          scores.push(...block.data);
        }
        expect(blocks).toBe(Math.ceil(QUERY_ROWS / 5));
        expect(full.columns).toEqual(s.trainCfs);
        scores.forEach((x, i) => expect(f32Bits(x)).toBe(f32Bits(undeclaredMatrix.data[i]!)));
      });
  });

  it('given a weights artifact that is not in the store, when the runner catches up, then it stops naming the run and the weights hash', async () => {
    const s = await givenRun(artifacts);
    const absent = 'cd'.repeat(32);
    const train = withFields(gradientsEvent('train', s.trainHash, s.trainCfs), {
      kind: 'output-gradients',
      weights: { contentHash: absent, format: 'npy', rows: TRAIN_ROWS, dtype: 'float32' },
    });
    await spec
      .given(s.events)
      .when([train, gradientsEvent('query', s.queryHash, s.queryCfs)])
      .thenFails('ProjectionFailed', (error) => {
        expect(error.message).toContain(`run ${RUN_ID}`);
        expect(error.message).toContain(`weights artifact ${absent}`);
      });
  });

  it('given a top-k beyond 1000, when attributed, then the refusal names the field and points to the full matrix', async () => {
    const s = await givenRun(artifacts);
    await spec
      .given(s.events)
      .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(async ({ db, log }) => {
        const refused = await attributeQueries({
          db,
          artifacts,
          cfFacts: cfFactsFromLog(log),
          runId: RUN_ID,
          queries: randomMatrix(1, 64, 3),
          topK: 1001,
        });
        expect(isLeft(refused) && refused.left.message).toMatch(
          /^topK: expected an integer from 1 to 1000 \(for every train row use attributionScoreBlocks/,
        );
      });
  });
});

describe('KNN-Shapley with some rows unlabelled', () => {
  it('given train and query rows without a "class" label, when scored, then they are left out, counted and named, and the labelled rows get the values of KNN-Shapley on the labelled rows alone', async () => {
    const s = await givenRun(artifacts);
    const unlabelledTrain = new Set([3, 10, 150]);
    const unlabelledQuery = new Set([0]);
    const dropped = new Set([...[...unlabelledTrain].map((i) => s.trainCfs[i]!), ...[...unlabelledQuery].map((i) => s.queryCfs[i]!)]);
    const events = s.events.filter(
      (e) => !(e.type === 'LabelContributed' && dropped.has((e.payload as { targets: string[] }).targets[0]!)),
    );
    const kernel = await attributionKernel();
    const expected = await expectedTopK(s.train, s.query);
    const keptTrain = s.trainCfs.flatMap((_, i) => (unlabelledTrain.has(i) ? [] : [i]));
    const keptQuery = s.queryCfs.flatMap((_, i) => (unlabelledQuery.has(i) ? [] : [i]));
    const pick = (m: MatrixF32, rows: number[]) =>
      matrixF32(rows.length, m.cols, Float32Array.from(rows.flatMap((r) => [...m.data.subarray(r * m.cols, (r + 1) * m.cols)])));
    const projectedQuery = await kernel.sketch(s.query, {
      seed: SETTINGS.seed,
      outputDim: SETTINGS.projectedDim,
      nonzeros: expected.model.sketchNonzeros,
    });
    const classOf = (i: number) => (i % 4 === 0 ? 0 : 1); // labels as in the scenario: "cat" every 4th CF, else "dog"
    const knn = await knnShapley(
      pick(expected.model.trainFeatures, keptTrain),
      Int32Array.from(keptTrain, classOf),
      pick(projectedQuery, keptQuery),
      Int32Array.from(keptQuery, (i) => classOf(TRAIN_ROWS + i)),
      SETTINGS.knnK,
      { kernel },
    );
    await spec
      .given(events)
      .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(async ({ db }) => {
        const values = await sql<{
          first_row: number;
          knn_shapley: number | null;
        }>`select first_row, knn_shapley from ${sql.table(A.cfValues)} order by first_row`.execute(db);
        const valued = values.rows.filter((v) => v.knn_shapley !== null);
        expect(valued.map((v) => v.first_row)).toEqual(keptTrain);
        valued.forEach((v, i) => expect(v.knn_shapley).toBe(knn[i]));
        const credit = right(await creditShares({ db, runId: RUN_ID }));
        expect(credit.shapleyReason).toBeNull();
        expect(credit.shapleyExcluded).toEqual({
          labelType: 'class',
          trainRows: 3,
          queryRows: 1,
          trainCfs: [3, 10, 150].map((i) => s.trainCfs[i]),
          queryCfs: [s.queryCfs[0]],
        });
        expect(credit.contributors.reduce((sum, c) => sum + (c.shapleyShare ?? 0), 0)).toBeCloseTo(1, 12);
      });
  });
});
