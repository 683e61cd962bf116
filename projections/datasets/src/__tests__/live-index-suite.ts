// The projection's live assembly index against the reference path (every cut from
// indexFacts(loadFacts(...))): the same tables, whatever happens between batches — rolled back
// transactions, another process taking turns, a restart. Run against any store.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isLeft } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { createProjectionRunner, type ProjectionRunner } from '@cairn/projector';
import type { StepHook } from '@cairn/projector';
import { canonicalDump } from '@cairn/projector';
import type { ProjectionStore } from '@cairn/projector';
import { LiveIndexes } from '../live-indexes.js';
import { createDatasetsProjection, datasetsProjection } from '../projection.js';
import { Ledger, manifestOf } from '../testing/ledger.js';

const manifest = manifestOf();
const labelled = manifestOf({ candidates: { kinds: ['sample', 'label'] }, minApprovals: { count: 1, scope: 'either' } });

/** Three chapters of a log; each ends with a build, and batches of 3 put cuts mid-batch. */
const chapters: ReadonlyArray<(ledger: Ledger) => Promise<void>> = [
  async (l) => {
    await l.sample('s1', 'alice');
    await l.sample('s2', 'alice', { license: 'GPL-3.0-only' });
    await l.sample('s3', 'bob', {}, 's1');
    await l.sample('s5', 'bob');
    await l.label('l1', 'bob', ['s1']);
    await l.validate('v1', 'carol', ['s1'], 'approve');
    await l.validate('v2', 'dave', ['l1'], 'approve');
    await l.validate('v5', 'carol', ['s5'], 'approve');
    await l.asset('a1', 'curator', ['s1', 's5']);
    await l.dataset('corpus', manifest);
    await l.build('b1', 'corpus', manifest);
    await l.dataset('labelled', labelled);
    await l.build('b1l', 'labelled', labelled);
  },
  async (l) => {
    await l.sample('s1b', 'alice', { amends: l.id('s1') });
    await l.validate('v6', 'carol', ['s1b'], 'approve');
    await l.sample('s7', 'erin', {}, 's5');
    await l.validate('v7', 'dave', ['s7'], 'approve');
    await l.build('b2', 'corpus', manifest, 'second-curator');
  },
  async (l) => {
    await l.deprecate('d1', 'bob', 's5', 'dispute');
    await l.sample('s8', 'erin', { supersedes: l.id('s7') });
    await l.validate('v8', 'carol', ['s8'], 'approve');
    await l.label('l2', 'erin', ['s8'], 'toxicity');
    await l.build('b3', 'corpus', manifest, 'third-curator');
    await l.build('b3l', 'labelled', labelled, 'third-curator');
  },
];

let scratch = 0;

export function liveIndexSuite(name: string, openStore: () => Promise<ProjectionStore>): void {
  describe(`datasets projection, live assembly index (${name})`, () => {
    let store: ProjectionStore;
    let ledger: Ledger;
    const schemas: string[] = [];
    beforeEach(async () => {
      store = await openStore();
      ledger = new Ledger(store);
    });
    afterEach(async () => {
      for (const schema of schemas.splice(0)) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      await store.close();
    });

    const runnerFor = (indexes: LiveIndexes, atStep?: StepHook): ProjectionRunner =>
      createProjectionRunner({
        log: ledger.log,
        store,
        projections: [createDatasetsProjection({ liveIndexes: indexes })],
        batchSize: 3,
        atStep,
      });
    const project = async (runner: ProjectionRunner) => {
      const r = await runner.runOnce();
      if (isLeft(r)) throw new Error(r.left.message);
    };
    /** Then: the tables equal a rebuild that cuts every version from indexFacts(loadFacts(...)). */
    const expectSameAsReference = async () => {
      const schema = `cairn_live_ref_${process.pid}_${(scratch += 1)}`;
      schemas.push(schema);
      const reference = createProjectionRunner({
        log: ledger.log,
        store,
        projections: [createDatasetsProjection({ liveIndexes: null })],
        batchSize: 3,
      });
      const rebuilt = await reference.rebuild(datasetsProjection.name, { schema });
      if (isLeft(rebuilt)) throw new Error(rebuilt.left.message);
      const live = await canonicalDump(store.db, datasetsProjection);
      expect(live).toContain('datasets_versions');
      expect(live).toBe(await canonicalDump(store.db, datasetsProjection, { schema }));
      const versions = await sql<{ n: number }>`select count(*)::int as n from datasets_builds`.execute(store.db);
      expect(versions.rows[0]!.n).toBeGreaterThanOrEqual(6);
    };

    it('given a log that evolves over many batches, then the index is loaded once and every cut equals the reference path', async () => {
      const indexes = new LiveIndexes();
      const runner = runnerFor(indexes);
      for (const chapter of chapters) {
        await chapter(ledger);
        await project(runner);
      }
      expect(indexes.loads).toBe(1);
      await expectSameAsReference();
    });

    it('when a batch that cut a version rolls back, then the next batch does not trust the index that saw it', async () => {
      const indexes = new LiveIndexes();
      await chapters[0]!(ledger);
      await project(runnerFor(indexes));
      let failures = 0;
      const failing = runnerFor(indexes, (step) => {
        if (step === 'applied' && failures++ === 0) throw new Error('the connection dropped before commit');
      });
      await chapters[1]!(ledger);
      const failed = await failing.runOnce();
      expect(isLeft(failed) && failed.left._tag).toBe('ProjectionFailed');
      await project(failing);
      await chapters[2]!(ledger);
      await project(failing);
      expect(indexes.loads).toBe(2);
      await expectSameAsReference();
    });

    it('given two processes taking turns on the same tables, then each reloads after the other has applied batches', async () => {
      const first = new LiveIndexes();
      const second = new LiveIndexes();
      await chapters[0]!(ledger);
      await project(runnerFor(first));
      await chapters[1]!(ledger);
      await project(runnerFor(second));
      await chapters[2]!(ledger);
      await project(runnerFor(first));
      expect([first.loads, second.loads]).toEqual([2, 1]);
      await expectSameAsReference();
    });

    it('when the process restarts, then the index is reloaded from the tables at the first cut', async () => {
      const indexes = new LiveIndexes();
      await chapters[0]!(ledger);
      await project(runnerFor(indexes));
      indexes.clear();
      await chapters[1]!(ledger);
      await chapters[2]!(ledger);
      await project(runnerFor(indexes));
      expect(indexes.loads).toBe(2);
      await expectSameAsReference();
    });

    it('when the projection is rebuilt from zero, then the index from before the reset is not used', async () => {
      const indexes = new LiveIndexes();
      const runner = runnerFor(indexes);
      await chapters[0]!(ledger);
      await chapters[1]!(ledger);
      await project(runner);
      const rebuilt = await runner.rebuild(datasetsProjection.name);
      if (isLeft(rebuilt)) throw new Error(rebuilt.left.message);
      await chapters[2]!(ledger);
      await project(runner);
      expect(indexes.loads).toBe(2);
      await expectSameAsReference();
    });
  });
}
