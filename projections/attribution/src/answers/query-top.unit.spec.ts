// A run's recorded query row, answered with the train CFs its scoring stored for it: the same
// rows, ranks and scores attributeQueries gives for that row's gradients, the CF the row stands
// for, and a clear refusal for a row the scoring does not hold or a run not yet scored.
import { afterAll, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { matrixF32 } from '@cairn/kernel';
import { openProjectionStore, projectionSpecification } from '@cairn/projector';
import { createInMemoryArtifactStore } from '../artifact-store.js';
import { attributeQueries } from '../attribute-queries.js';
import { closeAttributionKernel } from '../kernel.js';
import { createAttributionProjection } from '../projection.js';
import { cfFactsFromLog } from '../cf-facts.js';
import { DIMS, QUERY_ROWS, RUN_ID, SETTINGS, givenRun, gradientsEvent } from '../__tests__/scenario.js';
import { queryTop } from './query-top.js';

const instances: PGlite[] = [];
afterAll(async () => {
  await closeAttributionKernel();
  for (const p of instances) await p.close();
});

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

const right = <T>(e: Either<{ message: string }, T>): T => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

describe('the top train CFs of a recorded query row', () => {
  it('given a scored run, when query row 3 is asked for, then its stored top-k is what attributeQueries gives for that row, by rank, with the query CF', async () => {
    const s = await givenRun(artifacts);
    await spec
      .given(s.events)
      .when([gradientsEvent('train', s.trainHash, s.trainCfs), gradientsEvent('query', s.queryHash, s.queryCfs)])
      .then(async ({ db, log }) => {
        const row = 3;
        const t = right(await queryTop(db, RUN_ID, row));
        const one = matrixF32(1, DIMS, s.query.data.slice(row * DIMS, (row + 1) * DIMS));
        const [fresh] = right(
          await attributeQueries({ db, artifacts, cfFacts: cfFactsFromLog(log), runId: RUN_ID, queries: one, topK: SETTINGS.topK }),
        );
        expect(t).toMatchObject({ runId: RUN_ID, queryRow: row, queryRows: QUERY_ROWS, queryCf: s.queryCfs[row] });
        expect(t.top.map((x) => x.rank)).toEqual([...Array(SETTINGS.topK).keys()].map((i) => i + 1));
        expect(t.top.map((x) => [x.trainRow, x.cfId])).toEqual(fresh!.top.map((x) => [x.trainRow, x.cfId]));
        expect(t.top.map((x) => x.score)).toEqual(fresh!.top.map((x) => expect.closeTo(x.score, 4)));

        const out = await queryTop(db, RUN_ID, QUERY_ROWS);
        expect(isLeft(out) && out.left).toMatchObject({ _tag: 'QueryRowOutOfRange', queryRows: QUERY_ROWS });
        expect(isLeft(await queryTop(db, RUN_ID, -1))).toBe(true);
      });
  });

  it('given a run with only train gradients, when a query row is asked for, then it is not scored, and an unknown run is not found', async () => {
    const s = await givenRun(artifacts);
    await spec
      .given(s.events)
      .when([gradientsEvent('train', s.trainHash, s.trainCfs)])
      .then(async ({ db }) => {
        const r = await queryTop(db, RUN_ID, 0);
        expect(isRight(r)).toBe(false);
        expect(isLeft(r) && r.left._tag).toBe('RunNotScored');
        const none = await queryTop(db, 'no-such-run', 0);
        expect(isLeft(none) && none.left._tag).toBe('RunNotFound');
      });
  });
});
