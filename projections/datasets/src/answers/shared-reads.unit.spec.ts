// The reads other packages ask instead of writing SQL on the datasets tables (attribution's run
// answers): given a small ledger cut into one version and a run on it, then each read names
// exactly the rows the ledger put there, and nothing for an unknown run, version or CF.
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isLeft } from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { openProjectionStore, quoteSchema, testDigest, type ProjectionStore } from '@cairn/projector';
import { DATASETS_PROJECTION } from '../projection.js';
import { Ledger, manifestOf } from '../testing/ledger.js';
import { datasetBuilds } from './versions.js';
import { trainingRun, trainingRuns } from './training-runs.js';
import { memberIdsOfKind, personalDataMemberCount, unvalidatedMemberCount } from './member-flags.js';
import {
  buildCauseEventIds,
  cfsAmendingOthers,
  cfsNaming,
  datasetEventId,
  deprecationEventIds,
  erasureEventIds,
  manifestEventId,
} from './record-trail.js';
import { versionInSchema } from './replayed-version.js';
import { manifestIdOf } from '../testing/ledger.js';

// samples and their labels are candidates; no approval is required
const manifest = manifestOf({ candidates: { kinds: ['sample', 'label'] }, minApprovals: { count: 0, scope: 'sample' } });

describe('datasets reads for other packages', () => {
  let store: ProjectionStore;
  let ledger: Ledger;
  let versionId: string;
  beforeEach(async () => {
    store = await openProjectionStore({ pglite: await PGlite.create() });
    ledger = new Ledger(store);
    // given c@1 = {s1 (personal data), s2, l1 (a label of s1)}; only s1 approved
    await ledger.sample('s1', 'alice', {
      personalData: true,
      commitment: { scheme: 'hmac-sha256', value: testDigest('keyed-1'), keyId: 'k1' },
    });
    await ledger.sample('s2', 'alice');
    await ledger.label('l1', 'bob', ['s1']);
    await ledger.validate('v1', 'carol', ['s1'], 'approve');
    await ledger.dataset('c', manifest);
    await ledger.build('b1', 'c', manifest);
    await ledger.project();
    versionId = (await datasetBuilds(store.db, 'c'))[0]!.versionId;
  });
  afterEach(async () => {
    await store.close();
  });

  it('given two runs recorded at positions 9 and 10, then trainingRuns lists them in log order and trainingRun finds one by id, null for an unknown one', async () => {
    await ledger.append('dataset:other', 'DatasetDefined', 'curator', { name: 'other' });
    await ledger.trainingRun('r2', 'c', versionId, testDigest('model-2'));
    await ledger.trainingRun('r1', 'c', versionId, testDigest('model-1'));
    await ledger.project();
    // positions 9 and 10: as text, '10' would sort first
    expect([ledger.position('r2'), ledger.position('r1')]).toEqual([9n, 10n]);
    const runs = await trainingRuns(store.db);
    expect(runs.map((r) => r.runId)).toEqual(['r2', 'r1']);
    expect(await trainingRun(store.db, 'r1')).toEqual({
      runId: 'r1',
      dataset: 'c',
      versionId,
      modelHash: testDigest('model-1'),
      eventId: ledger.id('r1'),
      position: ledger.position('r1'),
    });
    expect(await trainingRun(store.db, 'nope')).toBeNull();
  });

  it("given the version, then members of a kind, the personal-data and unvalidated counts are the ledger's, and none for an unknown version", async () => {
    expect(await memberIdsOfKind(store.db, versionId, 'sample')).toEqual([ledger.id('s1'), ledger.id('s2')].sort());
    expect(await memberIdsOfKind(store.db, versionId, 'label')).toEqual([ledger.id('l1')]);
    expect(await personalDataMemberCount(store.db, versionId)).toBe(1);
    // s2 and l1: no approving validation targets either
    expect(await unvalidatedMemberCount(store.db, versionId)).toBe(2);
    expect(await memberIdsOfKind(store.db, 'unknown', 'sample')).toEqual([]);
    expect(await personalDataMemberCount(store.db, 'unknown')).toBe(0);
  });

  it('given s1, then the CFs naming it are its label and its validation in log order, and none of them amends another', async () => {
    const naming = await cfsNaming(store.db, [ledger.id('s1')]);
    expect(naming.map((c) => [c.cfId, c.kind])).toEqual([
      [ledger.id('l1'), 'label'],
      [ledger.id('v1'), 'validation'],
    ]);
    expect(await cfsAmendingOthers(store.db, [ledger.id('s1'), ledger.id('l1')])).toEqual([]);
    expect(await cfsNaming(store.db, [])).toEqual([]);
  });

  it("given the dataset's definition, build and a later deprecation and erasure, then the trail reads name exactly those events", async () => {
    expect(await manifestEventId(store.db, manifestIdOf(manifest))).toBe(ledger.id('manifest:c'));
    expect(await manifestEventId(store.db, testDigest('no-manifest'))).toBeNull();
    expect(await datasetEventId(store.db, 'c')).toBe(ledger.id('dataset:c'));
    expect(await datasetEventId(store.db, 'nope')).toBeNull();
    expect(await buildCauseEventIds(store.db, versionId)).toEqual([ledger.id('b1')]);
    await ledger.deprecate('d1', 'alice', 's2');
    await ledger.append('e1', 'SampleErased', 'alice', { sample: ledger.id('s1'), reason: 'subject request' });
    await ledger.project();
    const cfs = [ledger.id('s1'), ledger.id('s2'), ledger.id('l1')];
    expect(await deprecationEventIds(store.db, cfs)).toEqual([ledger.id('d1')]);
    expect(await erasureEventIds(store.db, cfs)).toEqual([ledger.id('e1')]);
    expect(await erasureEventIds(store.db, [ledger.id('s2')])).toEqual([]);
  });

  it('given the datasets projection replayed into a scratch schema, then versionInSchema reads the version there, null for one it did not cut', async () => {
    const scratch = 'shared_reads_scratch';
    const rebuilt = await ledger.runner.rebuild(DATASETS_PROJECTION, { schema: scratch });
    if (isLeft(rebuilt)) throw new Error(rebuilt.left.message);
    // the live copy is changed after the replay, so the scratch read cannot be the live one
    await sql`update datasets_versions set merkle_root = ${testDigest('forged')}`.execute(store.db);
    const live = await sql<{ merkle_root: string }>`select merkle_root from ${sql.raw(quoteSchema(scratch))}.datasets_versions`.execute(
      store.db,
    );
    const replayed = await versionInSchema(store.db, scratch, versionId);
    expect(replayed).toEqual({ merkleRoot: live.rows[0]!.merkle_root, memberCount: 3 });
    expect(replayed!.merkleRoot).not.toBe(testDigest('forged'));
    expect(await versionInSchema(store.db, scratch, 'unknown')).toBeNull();
  });
});
