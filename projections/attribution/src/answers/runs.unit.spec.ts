// The runs answers on PGlite: a run's declared facts read back from its signed event, two runs
// compared key by key, and the reproduce-check finding a version whose stored root no longer
// re-assembles, a member whose bytes are gone without an erasure, and a missing artifact.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import * as E from 'fp-ts/lib/Either.js';
import { matrixF32, writeNpy } from '@cairn/kernel';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { createProjectionRunner, type ProjectionRunner } from '@cairn/projector';
import { datasetsProjection } from '@cairn/datasets';
import { lineageProjection } from '@cairn/lineage';
import { createAttributionProjection } from '../projection.js';
import { cfFactsFromLog } from '../cf-facts.js';
import { createInMemoryArtifactStore } from '../artifact-store.js';
import { testDigest } from '@cairn/projector';
import { Ledger, forgeVersionRoot, manifestOf } from '@cairn/datasets';
import { datasetVersionsAsOf } from '@cairn/datasets';
import { diffRuns, fieldChanges, listRuns, showRun } from './runs.js';
import { reproduceCheck, unlearning, type SampleRead } from './runs-checks.js';
import { latestGradients } from '../run-inputs.js';

describe('fieldChanges', () => {
  it('given two parameter objects, then nested keys flatten to dotted paths, absent sides are null and arrays compare whole', () => {
    expect(
      fieldChanges(
        { lr: 0.1, opt: { beta: [0.9, 0.99], eps: 1 }, same: 'x' },
        { lr: 0.1, opt: { beta: [0.9, 0.999] }, extra: true, same: 'x' },
      ),
    ).toEqual([
      { key: 'extra', from: null, to: 'true' },
      { key: 'opt.beta', from: '[0.9,0.99]', to: '[0.9,0.999]' },
      { key: 'opt.eps', from: '1', to: null },
    ]);
    expect(fieldChanges({}, {})).toEqual([]);
  });
});

describe('runs answers on PGlite', () => {
  let pglite: PGlite;
  let store: ProjectionStore;
  let ledger: Ledger;
  let runner: ProjectionRunner;
  const artifacts = createInMemoryArtifactStore();
  const manifest = manifestOf({ minApprovals: { count: 0 } });
  const readable: (cfId: string) => Promise<SampleRead> = async () => ({ readable: true });

  beforeEach(async () => {
    pglite = await PGlite.create();
    store = await openProjectionStore({ pglite });
    ledger = new Ledger(store);
    runner = createProjectionRunner({
      log: ledger.log,
      store,
      projections: [lineageProjection, datasetsProjection, createAttributionProjection({ artifacts, cfFacts: cfFactsFromLog(ledger.log) })],
      batchSize: 16,
    });
    await ledger.sample('a', 'ada');
    await ledger.sample('b', 'ada');
    await ledger.sample('c', 'grace');
    await ledger.dataset('corpus', manifest);
    await ledger.build('build1', 'corpus', manifest);
    await project();
  });
  afterEach(async () => {
    await store.close();
    await pglite.close();
  });

  async function project(): Promise<void> {
    const r = await runner.runOnce();
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  const current = async () => (await datasetVersionsAsOf(store.db, 'corpus'))[0]!.versionId;
  const right = <T>(e: E.Either<{ message: string }, T>): T => {
    if (E.isLeft(e)) throw new Error(e.left.message);
    return e.right;
  };

  it('given a recorded run, when shown, then its code, seeds, parameters and environment come from its signed event and its version root from the cut', async () => {
    const v1 = await current();
    await ledger.trainingRun('r1', 'corpus', v1, testDigest('model-1'));
    await project();
    const r = right(await showRun(store.db, ledger.log, 'r1'));
    expect(r).toMatchObject({
      runId: 'r1',
      versionId: v1,
      ordinal: 1,
      codeVersion: 'git:abc',
      seeds: { data: 1 },
      environment: { python: '3.11' },
      eventId: ledger.id('r1'),
      position: ledger.position('r1'),
    });
    expect(r.version?.memberCount).toBe(3);
    expect(r.gradients).toEqual([]);
    expect(r.attribution.scored).toBe(false);
    expect(right(await listRuns(store.db, ledger.log)).map((x) => x.runId)).toEqual(['r1']);
    const missing = await showRun(store.db, ledger.log, 'nope');
    expect(E.isLeft(missing) && missing.left._tag).toBe('RunNotFound');
  });

  it('given runs on two versions, when diffed, then the dataset diff names the removed member and the model change', async () => {
    const v1 = await current();
    await ledger.trainingRun('r1', 'corpus', v1, testDigest('model-1'));
    await ledger.deprecate('dep', 'grace', 'c');
    await project();
    const v2 = await current();
    expect(v2).not.toBe(v1);
    await ledger.trainingRun('r2', 'corpus', v2, testDigest('model-2'));
    await project();
    const d = right(await diffRuns(store.db, ledger.log, 'r1', 'r2'));
    expect(d.dataset?.removed.map((x) => x.cfId)).toEqual([ledger.id('c')]);
    expect(d.model).toEqual({ key: 'modelHash', from: testDigest('model-1'), to: testDigest('model-2') });
    expect(d.code).toBeNull();
    expect(d.environment).toEqual([]);
  });

  it('given an intact ledger, when reproduce-checked, then all three checks pass', async () => {
    await ledger.trainingRun('r1', 'corpus', await current(), testDigest('model-1'));
    await project();
    const r = right(await reproduceCheck(store.db, 'r1', { readSample: readable, artifacts, replay: runner }));
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([
      ['version-rebuilds', true],
      ['member-bytes', true],
      ['gradient-artifacts', true],
    ]);
    expect(r.checks[0]!.detail).toContain('replayed from the log alone');
    expect(r.reproducible).toBe(true);
  });

  it("given the version's stored Merkle root changed behind the projection, when reproduce-checked, then version-rebuilds fails naming both roots", async () => {
    const v1 = await current();
    await ledger.trainingRun('r1', 'corpus', v1, testDigest('model-1'));
    await project();
    await forgeVersionRoot(store.db, v1, testDigest('forged'));
    const r = right(await reproduceCheck(store.db, 'r1', { readSample: readable, artifacts, replay: runner }));
    expect(r.reproducible).toBe(false);
    expect(r.checks[0]).toMatchObject({ name: 'version-rebuilds', ok: false });
    // the engine over the facts and a replay of the log both disagree with the forged root
    expect(r.checks[0]!.failures).toEqual([
      expect.stringMatching(new RegExp(`^re-assembled at position .*not ${testDigest('forged')}$`)),
      expect.stringMatching(new RegExp(`^replayed from the log up to position .*not ${testDigest('forged')}$`)),
    ]);
    expect(r.rebuilt?.versionId).toBe(v1);
  });

  it('given one member unreadable without an erasure and one erased by a SampleErased, when checked, then only the first fails and unlearning lists only the erased one', async () => {
    await ledger.trainingRun('r1', 'corpus', await current(), testDigest('model-1'));
    await ledger.append('erase-a', 'SampleErased', 'ada', { sample: ledger.id('a'), reason: 'data subject request' });
    await project();
    const reads = new Map<string, SampleRead>([
      [ledger.id('a'), { readable: false, erased: true, reason: 'erased' }],
      [ledger.id('b'), { readable: false, erased: false, reason: 'blob missing' }],
    ]);
    const r = right(await reproduceCheck(store.db, 'r1', { readSample: async (id) => reads.get(id) ?? { readable: true }, artifacts }));
    expect(r.checks.map((c) => [c.name, c.ok])).toEqual([
      ['version-rebuilds', true],
      ['member-bytes', false],
      ['gradient-artifacts', true],
    ]);
    expect(r.samples.erased).toMatchObject([
      { cfId: ledger.id('a'), eventId: ledger.id('erase-a'), position: ledger.position('erase-a'), reason: 'data subject request' },
    ]);
    expect(r.samples.unreadable).toEqual([{ cfId: ledger.id('b'), reason: 'blob missing' }]);
    const u = right(await unlearning(store.db, 'r1'));
    expect(u.erased.map((e) => [e.cfId, e.influence])).toEqual([[ledger.id('a'), null]]);
    expect(u.attribution.scored).toBe(false);
  });

  it('given gradients recorded whose artifact is not in the store, when checked, then gradient-artifacts fails naming the split and event', async () => {
    const v1 = await current();
    await ledger.trainingRun('r1', 'corpus', v1, testDigest('model-1'));
    await ledger.append('g-train', 'GradientsRecorded', 'trainer', {
      runId: 'r1',
      split: 'train',
      artifact: { contentHash: testDigest('absent'), format: 'npy', rows: 1, dims: 2, dtype: 'float32' },
      rowMap: [ledger.id('a')],
    });
    await project();
    const r = right(await reproduceCheck(store.db, 'r1', { readSample: readable, artifacts }));
    expect(r.checks[2]).toMatchObject({ name: 'gradient-artifacts', ok: false });
    expect(r.checks[2]!.failures).toEqual([expect.stringContaining(`train gradients (event ${ledger.id('g-train')})`)]);
  });

  it('given train output gradients recorded with per-row weights whose artifact is not in the store, when checked, then gradient-artifacts fails naming the weights', async () => {
    const v1 = await current();
    await ledger.trainingRun('r1', 'corpus', v1, testDigest('model-1'));
    const present = await artifacts.put(writeNpy(matrixF32(1, 2, Float32Array.from([0.5, -1]))));
    const absent = testDigest('absent-weights');
    await ledger.append('g-train', 'GradientsRecorded', 'trainer', {
      runId: 'r1',
      split: 'train',
      kind: 'output-gradients',
      artifact: { contentHash: present, format: 'npy', rows: 1, dims: 2, dtype: 'float32' },
      weights: { contentHash: absent, format: 'npy', rows: 1, dtype: 'float32' },
      rowMap: [ledger.id('a')],
    });
    await project();
    const r = right(await reproduceCheck(store.db, 'r1', { readSample: readable, artifacts }));
    expect(r.gradients.map((g) => [g.split, g.contentHash, g.ok])).toEqual([
      ['train', present, true],
      ['train weights', absent, false],
    ]);
    expect(r.checks[2]).toMatchObject({ name: 'gradient-artifacts', ok: false });
    expect(r.checks[2]!.failures).toEqual([expect.stringContaining(`train weights gradients (event ${ledger.id('g-train')})`)]);
    expect(r.reproducible).toBe(false);
  });
  it('given train gradients recorded twice, at positions 9 and 10, when shown, then they list in log order and the one at 10 is the latest', async () => {
    await ledger.trainingRun('r1', 'corpus', await current(), testDigest('model-1'));
    await ledger.append('dataset:other', 'DatasetDefined', 'curator', { name: 'other' });
    for (const name of ['g-9', 'g-10'])
      await ledger.append(name, 'GradientsRecorded', 'trainer', {
        runId: 'r1',
        split: 'train',
        artifact: { contentHash: testDigest(name), format: 'npy', rows: 1, dims: 2, dtype: 'float32' },
        rowMap: [ledger.id('a')],
      });
    await project();
    // as text, '10' sorts before '9': the order must be by the position itself
    expect([ledger.position('g-9'), ledger.position('g-10')]).toEqual([9n, 10n]);
    const r = right(await showRun(store.db, ledger.log, 'r1'));
    expect(r.gradients.map((g) => g.eventId)).toEqual([ledger.id('g-9'), ledger.id('g-10')]);
    const latest = await store.db.transaction().execute((tx) => latestGradients(tx, 'r1', 'train', '10'));
    expect(latest?.eventId).toBe(ledger.id('g-10'));
  });

  it('given a run recorded at P and its train gradients after, when listed and shown as of a moment, then before P it is not there and before the gradients it has none', async () => {
    await ledger.trainingRun('r1', 'corpus', await current(), testDigest('model-1'));
    await ledger.append('g-1', 'GradientsRecorded', 'trainer', {
      runId: 'r1',
      split: 'train',
      artifact: { contentHash: testDigest('g-1'), format: 'npy', rows: 1, dims: 2, dtype: 'float32' },
      rowMap: [ledger.id('a')],
    });
    await project();
    const recorded = (await listRuns(store.db, ledger.log).then(right))[0]!.position;
    const gradientsAt = ledger.position('g-1');
    expect(right(await listRuns(store.db, ledger.log, recorded - 1n))).toEqual([]);
    expect(right(await listRuns(store.db, ledger.log, recorded)).map((r) => r.runId)).toEqual(['r1']);
    const before = await showRun(store.db, ledger.log, 'r1', recorded - 1n);
    expect(E.isLeft(before) && before.left._tag).toBe('RunNotFound');
    expect(right(await showRun(store.db, ledger.log, 'r1', gradientsAt - 1n)).gradients).toEqual([]);
    expect(right(await showRun(store.db, ledger.log, 'r1', gradientsAt)).gradients.map((g) => g.eventId)).toEqual([ledger.id('g-1')]);
    expect(right(await showRun(store.db, ledger.log, 'r1')).gradients).toHaveLength(1);
  });
});
