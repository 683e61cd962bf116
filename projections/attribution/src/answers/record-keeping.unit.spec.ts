// A run's record-keeping trail on PGlite: every event that shaped the data, including amend
// chains of any depth (back to the first CF of the chain, and forward to the last amendment)
// and the labels and validations of every CF in those chains.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import * as E from 'fp-ts/lib/Either.js';
import { openProjectionStore, type ProjectionStore } from '@cairn/projector';
import { testDigest } from '@cairn/projector';
import { Ledger, manifestOf } from '@cairn/datasets';
import { datasetVersionsAsOf } from '@cairn/datasets';
import { runRecordEvents, type RecordRole } from './record-keeping.js';

describe('record-keeping of a run', () => {
  let pglite: PGlite;
  let store: ProjectionStore;
  let ledger: Ledger;
  const manifest = manifestOf({ minApprovals: { count: 0 } });

  beforeEach(async () => {
    pglite = await PGlite.create();
    store = await openProjectionStore({ pglite });
    ledger = new Ledger(store);
    await ledger.dataset('corpus', manifest);
  });
  afterEach(async () => {
    await store.close();
    await pglite.close();
  });

  const current = async () => (await datasetVersionsAsOf(store.db, 'corpus'))[0]!.versionId;
  async function trail(runId: string): Promise<Map<string, RecordRole>> {
    const r = await runRecordEvents(store.db, runId);
    if (E.isLeft(r)) throw new Error(r.left.message);
    const names = new Map([...ledger.ids].map(([name, id]) => [id, name]));
    return new Map(r.right.map((x) => [names.get(x.eventId) ?? x.eventId, x.role]));
  }
  /** s0 amended three times over (a1 → a2 → a3), each step labelled or validated; lx, a label of s0, amended twice. */
  async function chain(): Promise<void> {
    await ledger.label('l0', 'grace', ['s0']);
    await ledger.validate('v0', 'grace', ['s0'], 'approve');
    await ledger.label('lx', 'grace', ['s0'], 'topic');
    await ledger.append('lx2', 'LabelContributed', 'grace', {
      targets: [ledger.id('s0')],
      labelType: 'topic',
      value: 'dog',
      amends: ledger.id('lx'),
    });
    await ledger.append('lx3', 'LabelContributed', 'grace', {
      targets: [ledger.id('s0')],
      labelType: 'topic',
      value: 'fox',
      amends: ledger.id('lx2'),
    });
    await ledger.sample('a1', 'ada', { amends: ledger.id('s0') }, 'a1');
    await ledger.validate('v1', 'grace', ['a1'], 'approve');
    await ledger.sample('a2', 'ada', { amends: ledger.id('a1') }, 'a2');
    await ledger.label('l2', 'grace', ['a2']);
    await ledger.sample('a3', 'ada', { amends: ledger.id('a2') }, 'a3');
  }

  it('given a member at the end of a 3-deep amend chain, when the trail is cut, then every CF of the chain and every label and validation of them is in it', async () => {
    await ledger.sample('s0', 'ada');
    await ledger.sample('b', 'ada');
    await ledger.sample('c', 'ada', { source: 'other' });
    await ledger.label('lc', 'grace', ['c']);
    await ledger.build('build1', 'corpus', manifest);
    await chain();
    await ledger.project();
    const v = await current();
    await ledger.trainingRun('r1', 'corpus', v, testDigest('model-1'));
    await ledger.project();
    const t = await trail('r1');
    expect(
      Object.fromEntries([...t].filter(([, role]) => role !== 'run' && role !== 'dataset' && role !== 'manifest' && role !== 'build')),
    ).toEqual({
      a3: 'member',
      b: 'member',
      c: 'member',
      lc: 'label',
      a2: 'amended',
      a1: 'amended',
      s0: 'amended',
      l2: 'label',
      v1: 'validation',
      l0: 'label',
      v0: 'validation',
      lx: 'label',
      lx2: 'amendment',
      lx3: 'amendment',
    });
    expect(t.get('r1')).toBe('run');
  });

  it('given a run on a version holding s0, when s0 is amended three times over afterwards, then each amendment of the chain is in the trail', async () => {
    await ledger.sample('s0', 'ada');
    await ledger.sample('b', 'ada');
    await ledger.build('build1', 'corpus', manifest);
    await ledger.project();
    await ledger.trainingRun('r1', 'corpus', await current(), testDigest('model-1'));
    await chain();
    await ledger.sample('unrelated', 'ada');
    await ledger.project();
    const t = await trail('r1');
    expect(['a1', 'a2', 'a3', 'lx2', 'lx3'].map((n) => t.get(n))).toEqual([
      'amendment',
      'amendment',
      'amendment',
      'amendment',
      'amendment',
    ]);
    expect(['l0', 'lx', 'l2', 'v0', 'v1'].map((n) => t.get(n))).toEqual(['label', 'label', 'label', 'validation', 'validation']);
    expect(t.has('unrelated')).toBe(false);
  });
});
