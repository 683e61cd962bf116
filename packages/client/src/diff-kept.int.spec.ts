// A diff once computed is kept by the Cairn (datasets' diffReader): given two versions, when the
// same diff is asked again, then the versions' members are not read again (at one head through
// latestAt, no statement at all); and a diff asked as of a moment shows nothing after it, however
// often it is asked before and after what came later.
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Signer } from '@cairn/sdk';
import { notesCairn, right } from './__tests__/notes-cairn.js';
import type { Cairn } from './index.js';

describe('Cairn.diff: kept once computed, pinned to the moment asked', () => {
  const openNotes = notesCairn('diff-kept');
  let cairn: Cairn;
  let alice: Signer;
  let second: string;
  /** The head once notes@2 is cut, before the asset. */
  let cutAt: bigint;
  const statements: string[] = [];
  // reads of the versions' packed member lists (other statements name datasets_versions too: the
  // look-up of a version's number in the reads of its member and exclusion rows)
  const memberReads = () => statements.filter((s) => /encode\(members, 'base64'\)/.test(s)).length;

  beforeAll(async () => {
    const notes = await openNotes({ samples: ['first'] });
    ({ cairn, alice } = notes);
    second = await notes.sample('second');
    right(await cairn.ledger.datasets.requestBuild('notes', notes.manifestId, notes.curator));
    right(await cairn.catchUp());
    cutAt = right(await cairn.ledger.log.head())!;
    const executor = cairn.store.db.getExecutor();
    const send = executor.executeQuery.bind(executor);
    executor.executeQuery = ((query: Parameters<typeof send>[0]) => {
      statements.push(query.sql);
      return send(query);
    }) as typeof executor.executeQuery;
  }, 120_000);

  it('given a diff asked once, when asked again, then the members are not read again, and at one head through latestAt no statement is sent', async () => {
    statements.length = 0;
    const first = right(await cairn.diff('notes@1', 'notes@2'));
    expect(first.added.map((e) => e.cfId)).toEqual([second]);
    expect(memberReads()).toBe(1);
    expect(right(await cairn.diff('notes@1', 'notes@2'))).toEqual(first);
    expect(memberReads()).toBe(1);

    const head = right(await cairn.ledger.log.head());
    const reads = cairn.latestAt(head);
    expect(right(await reads.diff('notes@1', 'notes@2'))).toEqual(first);
    const sent = statements.length;
    expect(right(await reads.diff('notes@1', 'notes@2'))).toEqual(first);
    expect(statements.length).toBe(sent);
    expect(memberReads()).toBe(1);
  });

  it('given an asset assembled after notes@2, when the diff is asked as of the cut, then it has no asset, before and after the diff now is kept', async () => {
    const before = right(await cairn.diff('notes@1', 'notes@2', cutAt));
    expect(before.assets).toEqual([]);
    right(await cairn.ledger.assets.assemble({ name: 'shelf', members: [second], transformations: [] }, alice));
    right(await cairn.catchUp());
    const now = right(await cairn.diff('notes@1', 'notes@2'));
    expect(now.assets).toEqual([expect.objectContaining({ name: 'shelf', added: 1, removed: 0 })]);
    expect(right(await cairn.diff('notes@1', 'notes@2', cutAt))).toEqual(before);
  });
});
