// Erasure as an assembly rule: given events ..., when SampleErased, then every current version
// holding the sample (or what depends on it) is cut anew without it, `why` answers `erased`
// with the erasure event, and the old versions stay readable and say the member is erased.
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { createProjectionRunner } from '@cairn/projector';
import { canonicalDump } from '@cairn/projector';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { testDigest } from '@cairn/projector';
import { datasetBuilds } from './answers/versions.js';
import { whyExcluded, whyIncluded } from './answers/why.js';
import { diff } from './answers/diff.js';
import { impact } from './answers/impact.js';
import { erasedMembersOf, erasuresOf } from './answers/erasures.js';
import { createDatasetsProjection, datasetsProjection } from './projection.js';
import { Ledger, manifestOf } from './testing/ledger.js';

const right = <A>(e: Either<{ message: string }, A>): A => {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
};

// samples and their labels are candidates; one approval (on either) admits
const manifest = manifestOf({ candidates: { kinds: ['sample', 'label'] }, minApprovals: { count: 1, scope: 'either' } });
const MODEL = testDigest('model-weights');

/** Given c@1 = {s1, s2, l1 (a label of s1)}, s1 validated by v1, s2 by v2, l1 by v3. */
async function givenDataset(ledger: Ledger): Promise<string> {
  await ledger.sample('s1', 'alice');
  await ledger.sample('s2', 'alice');
  await ledger.label('l1', 'bob', ['s1']);
  await ledger.validate('v1', 'carol', ['s1'], 'approve');
  await ledger.validate('v2', 'carol', ['s2'], 'approve');
  await ledger.validate('v3', 'carol', ['l1'], 'approve');
  await ledger.dataset('c', manifest);
  await ledger.build('b1', 'c', manifest);
  await ledger.project();
  const [b1] = await datasetBuilds(ledger.store.db, 'c');
  return b1!.versionId;
}

const erase = (ledger: Ledger, name: string, sample: string) =>
  ledger.append(name, 'SampleErased', 'alice', { sample: ledger.id(sample), reason: 'subject request' });

describe('datasets projection: erasure re-assembles', () => {
  let store: ProjectionStore;
  let ledger: Ledger;
  beforeEach(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    ledger = new Ledger(store);
  });
  afterEach(async () => {
    await store.close();
  });
  const membersOf = async (versionId: string) =>
    (
      await sql<{ cf_id: string }>`select encode(m.cf_id, 'hex') as cf_id from datasets_members m
        join datasets_versions v on v.version_no = m.version_no where v.version_id = ${versionId} order by m.cf_id`.execute(store.db)
    ).rows.map((r) => r.cf_id);

  it('given c@1 holding a sample and its label, when the sample is erased, then c@2 is cut (cause erased) without both, and c@1 stays', async () => {
    const v1 = await givenDataset(ledger);
    expect(await membersOf(v1)).toEqual([ledger.id('s1'), ledger.id('s2'), ledger.id('l1')].sort());
    await erase(ledger, 'e1', 's1');
    await ledger.project();
    const builds = await datasetBuilds(store.db, 'c');
    expect(builds.map((b) => [b.cause, b.causeEventId])).toEqual([
      ['requested', ledger.id('b1')],
      ['erased', ledger.id('e1')],
    ]);
    const v2 = builds[1]!.versionId;
    expect(v2).not.toBe(v1);
    expect(await membersOf(v2)).toEqual([ledger.id('s2')]);
    expect(await membersOf(v1)).toHaveLength(3);
  });

  it('when asked why, then the erased sample and its label are out by rule erased with the erasure event, and c@1 notes the erasure', async () => {
    const v1 = await givenDataset(ledger);
    await erase(ledger, 'e1', 's1');
    await ledger.project();
    const v2 = (await datasetBuilds(store.db, 'c'))[1]!.versionId;
    const sample = right(await whyExcluded(store.db, ledger.id('s1'), v2));
    expect(sample).toMatchObject({
      included: false,
      rule: 'erased',
      reason: `erased by ${ledger.id('e1')} at position ${ledger.position('e1')}`,
    });
    expect(sample.evidence?.erasedBy).toEqual({ eventId: ledger.id('e1'), position: ledger.position('e1'), sample: ledger.id('s1') });
    const label = right(await whyExcluded(store.db, ledger.id('l1'), v2));
    expect(label).toMatchObject({
      rule: 'erased',
      reason: `depends on sample ${ledger.id('s1')}, erased by ${ledger.id('e1')} at position ${ledger.position('e1')}`,
    });
    const old = right(await whyIncluded(store.db, ledger.id('s1'), v1));
    expect(old.included).toBe(true);
    expect(old.erased).toMatchObject({
      cfId: ledger.id('s1'),
      eventId: ledger.id('e1'),
      position: ledger.position('e1'),
      reason: 'subject request',
    });
    expect(right(await whyIncluded(store.db, ledger.id('s2'), v1)).erased).toBeNull();
  });

  it('given an amendment of the sample in the current version, when the sample is erased, then the amendment leaves too', async () => {
    await givenDataset(ledger);
    await ledger.sample('s1b', 'alice', { amends: ledger.id('s1') });
    await ledger.validate('v4', 'carol', ['s1b'], 'approve');
    await ledger.build('b2', 'c', manifest, 'second-curator');
    await ledger.project();
    const v2 = (await datasetBuilds(store.db, 'c'))[2]!.versionId;
    expect(await membersOf(v2)).toContain(ledger.id('s1b'));
    await erase(ledger, 'e1', 's1');
    await ledger.project();
    const builds = await datasetBuilds(store.db, 'c');
    expect(builds.at(-1)).toMatchObject({ cause: 'erased', causeEventId: ledger.id('e1') });
    const v3 = builds.at(-1)!.versionId;
    expect(await membersOf(v3)).toEqual([ledger.id('s2')]);
    expect(right(await whyExcluded(store.db, ledger.id('s1b'), v3))).toMatchObject({
      rule: 'erased',
      evidence: { erasedBy: { eventId: ledger.id('e1'), sample: ledger.id('s1') } },
    });
  });

  it('given a sample in no current version, when it is erased, then no version is cut', async () => {
    await givenDataset(ledger);
    await ledger.sample('s9', 'erin');
    await erase(ledger, 'e9', 's9');
    await ledger.project();
    expect((await datasetBuilds(store.db, 'c')).map((b) => b.cause)).toEqual(['requested']);
    expect((await erasuresOf(store.db, [ledger.id('s9'), ledger.id('s2')])).get(ledger.id('s9'))).toMatchObject({
      eventId: ledger.id('e9'),
    });
  });

  it('when the same manifest is built again after the erasure, then it gives the re-assembled version id bit for bit', async () => {
    await givenDataset(ledger);
    await erase(ledger, 'e1', 's1');
    await ledger.build('b2', 'c', manifest, 'second-curator');
    await ledger.project();
    const [, erased, requested] = await datasetBuilds(store.db, 'c');
    expect(requested!.versionId).toBe(erased!.versionId);
  });

  it('then diff c@1 c@2 names the removals with cause erased and the erasure event, and impact names the run on c@1', async () => {
    const v1 = await givenDataset(ledger);
    await ledger.trainingRun('run-1', 'c', v1, MODEL);
    await erase(ledger, 'e1', 's1');
    await ledger.project();
    const v2 = (await datasetBuilds(store.db, 'c'))[1]!.versionId;
    const d = right(await diff(store.db, v1, v2));
    expect(d.counts.removed).toBe(2);
    for (const r of d.removed)
      expect(r.cause).toMatchObject({ kind: 'erased', event: { eventId: ledger.id('e1'), position: ledger.position('e1') } });
    const i = right(await impact(store.db, ledger.id('s1')));
    expect(i.runs.map((r) => [r.runId, r.versionId])).toEqual([['run-1', v1]]);
    expect(i.models).toEqual([MODEL]);
    expect(i.versions.map((v) => [v.versionId, v.current])).toEqual([[v1, false]]);
    expect(i.erased).toMatchObject({ eventId: ledger.id('e1') });
    expect((await erasedMembersOf(store.db, v1)).map((e) => e.cfId)).toEqual([ledger.id('s1')]);
    expect(await erasedMembersOf(store.db, v1, { asOf: ledger.position('e1') - 1n })).toEqual([]);
  });

  it('given erasures mid-batch, then the live index cuts the same tables as the reference path', async () => {
    await givenDataset(ledger);
    await ledger.sample('s1b', 'alice', { amends: ledger.id('s1') });
    await ledger.validate('v4', 'carol', ['s1b'], 'approve');
    await ledger.build('b2', 'c', manifest, 'second-curator');
    await erase(ledger, 'e1', 's1');
    await ledger.sample('s3', 'bob');
    await ledger.validate('v5', 'carol', ['s3'], 'approve');
    await ledger.build('b3', 'c', manifest, 'third-curator');
    await erase(ledger, 'e2', 's2');
    await ledger.project();
    const reference = createProjectionRunner({
      log: ledger.log,
      store,
      projections: [createDatasetsProjection({ liveIndexes: null })],
      batchSize: 3,
    });
    const rebuilt = await reference.rebuild(datasetsProjection.name, { schema: 'erasure_reference' });
    if (isLeft(rebuilt)) throw new Error(rebuilt.left.message);
    const live = await canonicalDump(store.db, datasetsProjection);
    expect(live).toContain('datasets_erasures');
    expect(live).toBe(await canonicalDump(store.db, datasetsProjection, { schema: 'erasure_reference' }));
    const builds = await datasetBuilds(store.db, 'c');
    expect(builds.at(-1)).toMatchObject({ cause: 'erased', causeEventId: ledger.id('e2') });
    expect(await membersOf(builds.at(-1)!.versionId)).toEqual([ledger.id('s3')]);
  });
});
