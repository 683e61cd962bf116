// The attribution projection and its queries as one specification, run against any store (PGlite
// in the unit tier, Postgres in the integration tier). Every `then` of projectionSpecification
// also rebuilds the projection into a scratch schema and requires byte-identical dumps.
import { afterAll, describe, expect, it } from '@jest/globals';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { createInMemoryEventLog } from '@cairn/eventlog';
import { fitTrak, knnShapley, scoreTrak, writeNpy, type MatrixF32 } from '@cairn/kernel';
import { canonicalDump } from '@cairn/projector';
import type { ProjectionStore } from '@cairn/projector';
import { createProjectionRunner } from '@cairn/projector';
// src/testing is this package's own given/when/then folder, not the @cairn/testing package the lint rule guards.
import { appendRequestFor, envelopeEvent, projectionSpecification } from '@cairn/projector';
import { createInMemoryArtifactStore } from '../artifact-store.js';
import { attributeQueries } from '../attribute-queries.js';
import { cfFactsFromLog } from '../cf-facts.js';
import { creditShares } from '../credit.js';
import { attributionKernel, closeAttributionKernel } from '../kernel.js';
import { ATTRIBUTION_PROJECTION, createAttributionProjection } from '../projection.js';
import { A } from '../tables.js';
import {
  CONTRIBUTORS,
  QUERY_ROWS,
  RUN_ID,
  SETTINGS,
  SOURCES,
  TRAIN_ROWS,
  VERSION_ID,
  givenRun,
  gradientsEvent,
  randomMatrix,
} from './scenario.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

async function expectedScores(train: MatrixF32, query: MatrixF32) {
  const kernel = await attributionKernel();
  const fitted = await fitTrak(train, { projectedDim: SETTINGS.projectedDim, seed: SETTINGS.seed, ridge: SETTINGS.ridge, kernel });
  if (isLeft(fitted)) throw new Error(fitted.left.reason);
  const model = fitted.right;
  return { model, ...(await scoreTrak(model, query, SETTINGS.topK, { kernel })) };
}

const f32Bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

export function attributionSuite(name: string, openStore: () => Promise<ProjectionStore>): void {
  describe(`attribution projection (${name})`, () => {
    afterAll(async () => closeAttributionKernel());
    const artifacts = createInMemoryArtifactStore();
    const spec = projectionSpecification({
      projections: (log) => [createAttributionProjection({ artifacts, cfFacts: cfFactsFromLog(log) })],
      store: openStore,
      batchSize: 64,
    });

    it('given a run with train and query gradients, when the runner catches up, then the stored top-k is scoreTrak computed directly, bit for bit', async () => {
      const s = await givenRun(artifacts);
      const expected = await expectedScores(s.train, s.query);
      await spec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
        .then(async ({ db }) => {
          const rows = await sql<{ query_row: number; rank: number; train_row: number; cf_id: string; query_cf: string; score: number }>`
            select query_row, rank, train_row, cf_id, query_cf, score from ${sql.table(A.topK)} order by query_row, rank`.execute(db);
          expect(rows.rows).toHaveLength(QUERY_ROWS * SETTINGS.topK);
          rows.rows.forEach((r, i) => {
            expect(r.rank).toBe((i % SETTINGS.topK) + 1);
            expect(r.train_row).toBe(expected.topK.indices[i]);
            expect(r.cf_id).toBe(s.trainCfs[r.train_row]);
            expect(r.query_cf).toBe(s.queryCfs[r.query_row]);
            expect(f32Bits(r.score)).toBe(f32Bits(expected.topK.scores[i]!));
            expect(Math.fround(r.score)).toBe(r.score);
          });
          const values = await sql<{ cf_id: string; first_row: number; influence: number; knn_shapley: number | null }>`
            select cf_id, first_row, influence, knn_shapley from ${sql.table(A.cfValues)}`.execute(db);
          expect(values.rows).toHaveLength(TRAIN_ROWS);
          for (const v of values.rows) expect(v.influence).toBe(expected.trainInfluence[v.first_row]);
          // KNN-Shapley on the sketched rows with the "class" labels (cat for every 4th CF, dog otherwise)
          const kernel = await attributionKernel();
          const projectedQuery = await kernel.sketch(s.query, {
            seed: SETTINGS.seed,
            outputDim: SETTINGS.projectedDim,
            nonzeros: expected.model.sketchNonzeros,
          });
          const classOf = (i: number) => (i % 4 === 0 ? 0 : 1); // "cat" < "dog" in code-unit order
          const knn = await knnShapley(
            expected.model.trainFeatures,
            Int32Array.from(s.trainCfs, (_, i) => classOf(i)),
            projectedQuery,
            Int32Array.from(s.queryCfs, (_, i) => classOf(TRAIN_ROWS + i)),
            SETTINGS.knnK,
            { kernel },
          );
          for (const v of values.rows) expect(v.knn_shapley).toBe(knn[v.first_row]);
        });
    });

    it('given a scored run, when credit is asked, then contributor, source and asset shares each sum to 1, ranked, with evidence', async () => {
      const s = await givenRun(artifacts);
      await spec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
        .then(async ({ db }) => {
          const credit = right(await creditShares({ db, runId: RUN_ID, version: VERSION_ID.slice(0, 12) }));
          expect(credit.versionId).toBe(VERSION_ID);
          expect(credit.shapleyReason).toBeNull();
          for (const shares of [credit.contributors, credit.sources, credit.assets]) {
            expect(shares.reduce((sum, x) => sum + (x.share ?? 0), 0)).toBeCloseTo(1, 12);
            expect(shares.reduce((sum, x) => sum + (x.shapleyShare ?? 0), 0)).toBeCloseTo(1, 12);
            expect(shares.map((x) => x.rank)).toEqual(shares.map((_, i) => i + 1));
            for (let i = 1; i < shares.length; i++) expect(shares[i - 1]!.credit).toBeGreaterThanOrEqual(shares[i]!.credit);
          }
          expect(new Set(credit.contributors.map((c) => c.key))).toEqual(new Set(CONTRIBUTORS));
          expect(new Set(credit.sources.map((c) => c.key))).toEqual(new Set(SOURCES));
          expect(new Set(credit.assets.map((c) => c.key))).toEqual(new Set([s.assetId, null]));
          expect(credit.assets.find((a) => a.key === s.assetId)?.name).toBe('even-rows');
          expect(credit.assets.find((a) => a.key === null)?.cfCount).toBe(TRAIN_ROWS / 2);
          const top = credit.contributors[0]!;
          expect(top.evidence.topCfs.length).toBeGreaterThan(0);
          expect(top.evidence.totalCredit).toBeGreaterThan(0);
          const wrong = await creditShares({ db, runId: RUN_ID, version: 'deadbeefdeadbeef' });
          expect(isLeft(wrong) && wrong.left._tag).toBe('VersionMismatch');
          const unknown = await creditShares({ db, runId: 'no-such-run' });
          expect(isLeft(unknown) && unknown.left._tag).toBe('RunNotFound');
        });
    });

    it('given a scored run, when its own query rows are attributed again, then the answer is the stored top-k traced to contributor, source and license', async () => {
      const s = await givenRun(artifacts);
      const expected = await expectedScores(s.train, s.query);
      await spec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
        .then(async ({ db, log }) => {
          const cfFacts = cfFactsFromLog(log);
          const answer = right(await attributeQueries({ db, artifacts, cfFacts, runId: RUN_ID, queries: s.query, topK: SETTINGS.topK }));
          expect(answer).toHaveLength(QUERY_ROWS);
          answer.forEach((q, qi) =>
            q.top.forEach((hit, j) => {
              const row = expected.topK.indices[qi * SETTINGS.topK + j]!;
              expect(hit).toEqual({
                rank: j + 1,
                trainRow: row,
                cfId: s.trainCfs[row],
                score: expected.topK.scores[qi * SETTINGS.topK + j],
                kind: 'sample',
                contributor: CONTRIBUTORS[row % 3],
                source: SOURCES[row % 2],
                license: row % 3 === 0 ? 'Apache-2.0' : 'MIT',
              });
            }),
          );
          const badDims = await attributeQueries({ db, artifacts, cfFacts, runId: RUN_ID, queries: randomMatrix(2, 8, 1), topK: 3 });
          expect(isLeft(badDims) && badDims.left._tag).toBe('QueryShapeMismatch');
        });
    });

    it('given a run that names no label type, when scored, then KNN-Shapley is null and the scoring says why', async () => {
      const { labelType: _none, ...unlabelled } = SETTINGS;
      const s = await givenRun(artifacts, unlabelled);
      await spec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
        .then(async ({ db }) => {
          const credit = right(await creditShares({ db, runId: RUN_ID }));
          expect(credit.shapleyReason).toMatch(/names no label type/);
          expect(credit.contributors.every((c) => c.shapleyShare === null)).toBe(true);
          const knn = await sql<{
            n: number;
          }>`select count(*)::int as n from ${sql.table(A.cfValues)} where knn_shapley is not null`.execute(db);
          expect(knn.rows[0]?.n).toBe(0);
        });
    });

    it('given a scored run, when a later query artifact replaces the first, then credit follows the new scoring and the old one stays readable as of its position', async () => {
      const s = await givenRun(artifacts);
      const laterQuery = await artifacts.put(writeNpy(randomMatrix(QUERY_ROWS, 64, 99)));
      await spec
        .given([...s.events, gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
        .when([gradientsEvent('query', laterQuery, s.queryCfs)])
        .then(async ({ db, events }) => {
          const latest = right(await creditShares({ db, runId: RUN_ID }));
          expect(latest.queryHash).toBe(laterQuery);
          const earlier = right(await creditShares({ db, runId: RUN_ID, asOf: events[events.length - 2]!.position }));
          expect(earlier.queryHash).toBe(s.queryHash);
        });
    });

    it('given a scoring at a 3-digit position and a later one at a 4-digit position, when credit is asked, then it follows the later (positions order as numbers, not text)', async () => {
      const s = await givenRun(artifacts);
      const laterQuery = await artifacts.put(writeNpy(randomMatrix(QUERY_ROWS, 64, 98)));
      const firstScoring = [
        ...s.events,
        gradientsEvent('train', s.trainHash, s.trainCfs),
        gradientsEvent('query', s.queryHash, s.queryCfs),
      ];
      // labels enough to carry the log past position 999 before the later query gradients
      const padding = Array.from({ length: 1000 - firstScoring.length }, (_, i) => ({
        type: 'LabelContributed',
        payload: { targets: [s.trainCfs[i % TRAIN_ROWS]!], labelType: 'note', value: `pad-${i}` },
        signer: CONTRIBUTORS[1]!,
      }));
      expect(String(firstScoring.length).length).toBe(3);
      await spec
        .given([...firstScoring, ...padding])
        .when([gradientsEvent('query', laterQuery, s.queryCfs)])
        .then(async ({ db, events }) => {
          const later = events[events.length - 1]!.position;
          expect(later.toString().length).toBe(4);
          const latest = right(await creditShares({ db, runId: RUN_ID }));
          expect(latest.queryHash).toBe(laterQuery);
          expect(latest.scoredAt).toBe(later);
        });
    });

    it('given a query artifact that is not in the store, when the runner catches up, then it stops naming the run and the hash', async () => {
      const s = await givenRun(artifacts);
      const absent = 'ab'.repeat(32);
      await spec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', absent, s.queryCfs)])
        .thenFails('ProjectionFailed', async (error, { db }) => {
          expect(error.message).toContain(`run ${RUN_ID}`);
          expect(error.message).toContain(absent);
          expect(error.message).toMatch(/not in/);
          const scored = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(A.scorings)}`.execute(db);
          expect(scored.rows[0]?.n).toBe(0);
        });
    });

    it('given a corrupt artifact, when the runner catches up, then it stops saying the bytes do not match their hash', async () => {
      const damaged = createInMemoryArtifactStore();
      const s = await givenRun(damaged);
      const bytes = damaged.bytes.get(s.queryHash)!;
      bytes[200] = bytes[200]! ^ 1;
      const damagedSpec = projectionSpecification({
        projections: (log) => [createAttributionProjection({ artifacts: damaged, cfFacts: cfFactsFromLog(log) })],
        store: openStore,
        batchSize: 64,
      });
      await damagedSpec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
        .thenFails('ProjectionFailed', (error) => {
          expect(error.message).toContain(s.queryHash);
          expect(error.message).toMatch(/corrupt/);
        });
    });

    it('given a rowMap shorter than the artifact rows, when the runner catches up, then it records that event as failed, naming the field, and goes on', async () => {
      const s = await givenRun(artifacts);
      await spec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs.slice(1), TRAIN_ROWS)])
        .then(({ failures, events }) => {
          const failed = failures.get(ATTRIBUTION_PROJECTION) ?? [];
          expect(failed.map((f) => f.eventId)).toEqual([events[events.length - 1]!.id]);
          expect(failed[0]?.reason).toContain('GradientsRecorded.payload.rowMap');
        });
    });

    it('given an event whose rows and rowMap agree but the artifact holds more rows, when scored, then it stops naming the run and the hash', async () => {
      const s = await givenRun(artifacts);
      await spec
        .given(s.events)
        .when([gradientsEvent('train', s.trainHash, s.trainCfs.slice(1)), gradientsEvent('query', s.queryHash, s.queryCfs)])
        .thenFails('ProjectionFailed', (error) => {
          expect(error.message).toContain(`run ${RUN_ID}`);
          expect(error.message).toContain(s.trainHash);
          expect(error.message).toMatch(/has 200 rows, the GradientsRecorded event says 199/);
        });
    });

    it('given a scored run, when the projection is rebuilt twice, then both rebuilds dump byte-identical to the live tables', async () => {
      const s = await givenRun(artifacts);
      const store = await openStore();
      const log = createInMemoryEventLog();
      try {
        const all = [...s.events, gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)];
        for (const e of all) expect(isRight(await log.append(appendRequestFor(envelopeEvent(e))))).toBe(true);
        const projection = createAttributionProjection({ artifacts, cfFacts: cfFactsFromLog(log) });
        const runner = createProjectionRunner({ log, store, projections: [projection], batchSize: 100 });
        right(await runner.runOnce());
        const live = await canonicalDump(store.db, projection);
        expect(live).toContain('"score":');
        const dumps: string[] = [];
        for (const batchSize of [7, 500]) {
          const other = createProjectionRunner({ log, store, projections: [projection], batchSize });
          right(await other.rebuild(projection.name));
          dumps.push(await canonicalDump(store.db, projection));
        }
        expect(dumps[0]).toBe(live);
        expect(dumps[1]).toBe(live);
      } finally {
        await store.close();
        await log.close();
      }
    });
  });
}
