// A version reference at the latest, asked through Cairn.latestAt(head): given one version, when
// two whys are asked at the same head, then the dataset's builds are read once; when an append
// cuts a new version and the projections catch up, then the next why at the new head names it.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Signer } from '@cairn/sdk';
import { StatementLog } from '@cairn/testing';
import { notesCairn, right, text } from './__tests__/notes-cairn.js';
import type { Cairn } from './index.js';

describe('Cairn.latestAt: version references resolved once per head', () => {
  const openNotes = notesCairn('memo');
  let cairn: Cairn;
  let curator: Signer;
  let alice: Signer;
  let manifestId: string;
  let first: string;
  /** The statements sent to the projections. */
  const statements = new StatementLog();
  const buildsReads = () => statements.count(/from "datasets_builds" where "dataset"/);

  beforeAll(async () => {
    const notes = await openNotes({ samples: ['first'] });
    ({ cairn, curator, alice, manifestId } = notes);
    first = notes.samples[0]!;
    right(await cairn.catchUp());
    // The store's statement log: every statement the reads send passes the one executor.
    statements.tap(cairn.store.db);
  }, 120_000);

  it('given one version, when two whys are asked at the same head, then one version lookup answers both, as the Cairn itself answers', async () => {
    const head = right(await cairn.ledger.log.head());
    statements.clear();
    const reads = cairn.latestAt(head);
    const [a, b] = await Promise.all([reads.why(first, 'notes'), reads.why(first, 'notes')]);
    expect(right(a).ref).toMatchObject({ dataset: 'notes', ordinal: 1 });
    expect(right(b)).toEqual(right(a));
    expect(right(await cairn.latestAt(head).why(first, 'notes'))).toEqual(right(a));
    expect(buildsReads()).toBe(1);
    expect(right(await cairn.why(first, 'notes'))).toEqual(right(a));
  });

  it('given an append that cuts a new version, when the projections catch up, then a why at the new head names the new version', async () => {
    const before = right(await cairn.latestAt(right(await cairn.ledger.log.head())).why(first, 'notes'));
    right(await cairn.ledger.contribute.sample({ bytes: text('second'), mediaType: 'text/plain', license: 'MIT', source: 'notes' }, alice));
    right(await cairn.ledger.datasets.requestBuild('notes', manifestId, curator));
    right(await cairn.catchUp());
    const after = right(await cairn.latestAt(right(await cairn.ledger.log.head())).why(first, 'notes'));
    expect(after.ref.ordinal).toBe(2);
    expect(after.ref.versionId).not.toBe(before.ref.versionId);
    expect(after.version.memberCount).toBe(2);
  });

  it('given a catch-up that moved the projections, when a why is asked at a head the caller did not move, then it is not the remembered answer', async () => {
    const head = right(await cairn.ledger.log.head());
    const before = right(await cairn.latestAt(head).why(first, 'notes'));
    right(await cairn.ledger.datasets.requestBuild('notes', manifestId, curator));
    right(await cairn.ledger.contribute.sample({ bytes: text('third'), mediaType: 'text/plain', license: 'MIT', source: 'notes' }, alice));
    right(await cairn.ledger.datasets.requestBuild('notes', manifestId, curator));
    right(await cairn.catchUp());
    const after = right(await cairn.latestAt(head).why(first, 'notes'));
    expect(after.ref.ordinal).toBe(before.ref.ordinal + 1);
  });
});
