// Passport facts on PGlite: contaminated_eval runs the contamination engine against the version
// the run names as params.evalVersion, and personal_data is counted from the datasets
// projection's own column, without reading the members' events from the log.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog } from '@cairn/eventlog';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { createProjectionRunner, type ProjectionRunner } from '@cairn/projector';
import { datasetsProjection } from '@cairn/datasets';
import { createAttributionProjection } from '../projection.js';
import { cfFactsFromLog } from '../cf-facts.js';
import { createInMemoryArtifactStore } from '../artifact-store.js';
import { testDigest } from '@cairn/projector';
import { Ledger, manifestOf } from '@cairn/datasets';
import { datasetVersionsAsOf } from '@cairn/datasets';
import { passportFacts, type PassportFacts } from './passport.js';
import { passportLedgerCheck } from './statement-checks.js';
import { syntheticTexts, withWordsReplaced } from '@cairn/datasets';
import type { SampleBytesReader } from '@cairn/datasets';

const from = (source: string) =>
  manifestOf({ minApprovals: { count: 0 }, candidates: { kinds: ['sample'], sources: [source], assets: 'any' } });

describe('passport facts on PGlite', () => {
  let pglite: PGlite;
  let store: ProjectionStore;
  let ledger: Ledger;
  let runner: ProjectionRunner;
  const texts = new Map<string, string>();
  const [plantedNear, unrelatedA, unrelatedB, unrelatedC] = syntheticTexts(4, { seed: 11, minWords: 200, maxWords: 200 });
  const read: SampleBytesReader = async (id) => {
    const t = texts.get(id);
    return t === undefined ? E.left({ _tag: 'SampleNotFound' }) : E.right(new TextEncoder().encode(t));
  };

  /** A sample whose bytes are `text` (its commitment is the text's, so equal texts commit equally). */
  async function sample(name: string, signer: string, source: string, text: string, extra: Record<string, unknown> = {}): Promise<void> {
    texts.set(await ledger.sample(name, signer, { source, ...extra }, text), text);
  }
  async function project(): Promise<void> {
    const r = await runner.runOnce();
    if (E.isLeft(r)) throw new Error(r.left.message);
  }
  const versionOf = async (dataset: string) => (await datasetVersionsAsOf(store.db, dataset))[0]!.versionId;
  async function run(name: string, evalVersion?: string): Promise<void> {
    await ledger.append(name, 'TrainingRunRecorded', 'trainer', {
      runId: name,
      dataset: { name: 'train', versionId: await versionOf('train') },
      codeVersion: 'git:abc',
      seeds: { data: 1 },
      hyperparameters: evalVersion === undefined ? {} : { evalVersion, lr: 0.1 },
      environment: { python: '3.11' },
      modelHash: testDigest(`model:${name}`),
    });
    await project();
  }
  const facts = async (runId: string, readSample?: SampleBytesReader): Promise<PassportFacts> => {
    const f = await passportFacts(store.db, ledger.log, runId, readSample === undefined ? {} : { readSample });
    if (E.isLeft(f)) throw new Error(f.left.message);
    return f.right;
  };
  const flagOf = (f: PassportFacts, name: string) => f.flags.find((x) => x.flag === name)!;

  beforeEach(async () => {
    pglite = await PGlite.create();
    store = await openProjectionStore({ pglite });
    ledger = new Ledger(store);
    runner = createProjectionRunner({
      log: ledger.log,
      store,
      projections: [
        datasetsProjection,
        createAttributionProjection({ artifacts: createInMemoryArtifactStore(), cfFacts: cfFactsFromLog(ledger.log) }),
      ],
      batchSize: 16,
    });
    texts.clear();
    // training data: one text the benchmark also holds verbatim, one it holds with one word edited, one of its own
    await sample('t-exact', 'ada', 'web', unrelatedA!);
    await sample('t-near', 'ada', 'web', plantedNear!);
    await sample('t-own', 'ada', 'web', unrelatedB!);
    await sample('e-exact', 'eve', 'bench', unrelatedA!);
    await sample('e-near', 'eve', 'bench', withWordsReplaced(plantedNear!, [100]));
    await sample('c-other', 'eve', 'clean', unrelatedC!);
    for (const [dataset, source] of [
      ['train', 'web'],
      ['bench', 'bench'],
      ['clean', 'clean'],
    ] as const) {
      await ledger.dataset(dataset, from(source));
      await ledger.build(`build:${dataset}`, dataset, from(source));
    }
    await project();
  });
  afterEach(async () => {
    await store.close();
    await pglite.close();
  });

  it('given a run evaluated on a version sharing a planted exact and a near-duplicate text, then contaminated_eval is raised with one exact and one near pair', async () => {
    await run('r1', 'bench@1');
    const f = await facts('r1', read);
    expect(flagOf(f, 'contaminated_eval')).toMatchObject({ raised: true, count: 2 });
    expect(flagOf(f, 'contaminated_eval').detail).toMatch(
      /^1 exact and 1 near pair\(s\) with evalVersion bench@1 \(2 training member\(s\)\)/,
    );
    expect(f.contamination).toMatchObject({
      evalVersion: 'bench@1',
      evalVersionId: await versionOf('bench'),
      checked: true,
      nearChecked: true,
      exactPairs: 1,
      nearPairs: 1,
      contaminatedTrainMembers: 2,
    });
  });

  it('given the evaluation version named by its id and no sample reader, then only the exact pair is counted and the detail says near duplicates were not checked', async () => {
    const bench = await versionOf('bench');
    await run('r1', bench);
    const f = await facts('r1');
    expect(flagOf(f, 'contaminated_eval')).toMatchObject({ raised: true, count: 1 });
    expect(flagOf(f, 'contaminated_eval').detail).toContain('near duplicates not checked (no sample reader)');
    expect(f.contamination).toMatchObject({ evalVersionId: bench, nearChecked: false, exactPairs: 1, nearPairs: 0 });
  });

  it('given a run evaluated on a version without overlap, then contaminated_eval is checked and not raised', async () => {
    await run('r1', 'clean@latest');
    const f = await facts('r1', read);
    expect(flagOf(f, 'contaminated_eval')).toMatchObject({ raised: false, count: 0 });
    expect(flagOf(f, 'contaminated_eval').detail).toMatch(/^no training member is in evalVersion clean@latest/);
    expect(f.contamination).toMatchObject({ checked: true, exactPairs: 0, nearPairs: 0 });
  });

  it('given a run naming no evalVersion, or one that names no version, then contaminated_eval is not raised and says why', async () => {
    await run('r1');
    expect(flagOf(await facts('r1', read), 'contaminated_eval')).toMatchObject({
      raised: false,
      detail: 'not checked: the run names no evalVersion in its params',
    });
    expect((await facts('r1', read)).contamination).toBeNull();
    await run('r2', 'bench@7');
    const f = await facts('r2', read);
    expect(flagOf(f, 'contaminated_eval')).toMatchObject({ raised: false, count: 0 });
    expect(flagOf(f, 'contaminated_eval').detail).toBe('not checked: evalVersion bench@7 names no version in this store as of the run');
  });

  it('given a member declaring personal data, then personal_data counts it from the projection without reading any event from the log', async () => {
    await sample('t-person', 'ada', 'web', 'a person wrote this', {
      personalData: true,
      commitment: { scheme: 'hmac-sha256', value: testDigest('hmac:person'), keyId: 'k1' },
    });
    await ledger.build('build:train:2', 'train', from('web'), 'curator', 'ab'.repeat(8));
    await project();
    await run('r1');
    let byIds = 0;
    const counting: EventLog = { ...ledger.log, readByIds: async (ids) => ((byIds += ids.length), ledger.log.readByIds(ids)) };
    const f = await passportFacts(store.db, counting, 'r1');
    if (E.isLeft(f)) throw new Error(f.left.message);
    expect(f.right.dataset.memberCount).toBe(4);
    expect(flagOf(f.right, 'personal_data')).toMatchObject({ raised: true, count: 1 });
    // the run's own event is the one read: members are not
    expect(byIds).toBe(1);
  });

  it('given a passport of a run evaluated on another version, when it is checked against the ledger, then only the run is read: no member is read for the contamination check', async () => {
    await run('r1', 'bench@1');
    const f = await facts('r1', read);
    let byIds = 0;
    const counting: EventLog = { ...ledger.log, readByIds: async (ids) => ((byIds += ids.length), ledger.log.readByIds(ids)) };
    const check = await passportLedgerCheck(store.db, counting, { run: f.run, dataset: f.dataset });
    expect(check).toMatchObject({ ok: true });
    // the run's own event is the one read: the members of the training and evaluation versions are not
    expect(byIds).toBe(1);
  });

  it('given a passport whose model hash and root the ledger does not hold, when it is checked, then the check fails naming both', async () => {
    await run('r1');
    const f = await facts('r1');
    const check = await passportLedgerCheck(store.db, ledger.log, {
      run: { ...f.run, modelHash: testDigest('another model') },
      dataset: { ...f.dataset, merkleRoot: testDigest('another root') },
    });
    expect(check).toMatchObject({ ok: false, detail: 'the ledger has another model hash, Merkle root' });
    expect(await passportLedgerCheck(store.db, ledger.log, { run: { ...f.run, runId: 'r9' } })).toMatchObject({ ok: false });
  });
});
