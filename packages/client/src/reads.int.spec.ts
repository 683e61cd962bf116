// The reads beyond references, on an embedded store opened by openCairn: typed answers for what
// the CLI's status, card, attest, runs and contamination print, tagged errors for what names
// nothing, and asOf honoured where a version is named.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey } from '@cairn/core';
import type { Signer } from '@cairn/sdk';
import { notesCairn, right } from './__tests__/notes-cairn.js';
import type { Cairn } from './index.js';

const tagOf = (r: E.Either<{ readonly _tag: string }, unknown>): string => (E.isLeft(r) ? r.left._tag : 'Right');

describe('Cairn reads on an embedded store', () => {
  const openNotes = notesCairn('reads');
  let cairn: Cairn;
  let alice: string;
  let samples: string[];
  let builtAt: bigint;
  let curatorSigner: Signer;

  beforeAll(async () => {
    const notes = await openNotes({ samples: ['first sample text', 'second sample text'], description: 'two notes' });
    ({ cairn, builtAt } = notes);
    curatorSigner = notes.curator;
    alice = notes.alice.contributorId;
    samples = [...notes.samples];
    right(await cairn.catchUp());
  }, 120_000);

  it('given two contributors, two samples and one version, then statusCounts counts them and labels names the contributor', async () => {
    const counts = await cairn.statusCounts();
    expect(counts).toMatchObject({ nodes: { contributor: 2, sample: 2 }, datasets: 1, versions: 1 });
    expect((await cairn.labels([alice])).get(alice)).toBe('alice');
  });

  it('given a version reference, then memberIds lists its members in id order; as of before the cut, or past the last version, it names nothing', async () => {
    expect(right(await cairn.memberIds('notes@1'))).toEqual([...samples].sort());
    expect(tagOf(await cairn.memberIds('notes@1', builtAt - 1n))).toBe('VersionNotFound');
    expect(tagOf(await cairn.memberIds('notes@2'))).toBe('VersionNotFound');
  });

  it('given the first version, then its card facts carry the reference, the licenses and no previous version', async () => {
    const card = right(await cairn.cardFacts('notes@latest'));
    expect(card.ref).toMatchObject({ dataset: 'notes', ordinal: 1 });
    expect(card.licenses).toMatchObject({ licenses: ['MIT'], ref: { ordinal: 1 } });
    expect(card.previous).toBeNull();
  });

  it('given a version, then attestFacts gives its root and member count, and the attestation check accepts exactly that root', async () => {
    const a = right(await cairn.attestFacts('notes@1'));
    expect(a.version).toMatchObject({ memberCount: 2, versionId: a.ref.versionId });
    expect(a.erasedMembers).toEqual([]);
    const predicate = { versionId: a.version.versionId, manifestId: a.version.manifestId, merkleRoot: a.version.merkleRoot };
    expect(await cairn.attestationCheck(predicate)).toMatchObject({ ok: true });
    expect(await cairn.attestationCheck({ ...predicate, merkleRoot: '00'.repeat(32) })).toMatchObject({ ok: false });
    expect(tagOf(await cairn.attestFacts('nothing@1'))).toBe('VersionNotFound');
  });

  it('given no training run, then runs is empty and a named run, its passport and its record are RunNotFound', async () => {
    expect(right(await cairn.runs())).toEqual([]);
    expect(tagOf(await cairn.run('r1'))).toBe('RunNotFound');
    expect(tagOf(await cairn.passport('r1'))).toBe('RunNotFound');
    expect(tagOf(await cairn.runRecord('r1'))).toBe('RunNotFound');
    expect(await cairn.passportCheck({})).toMatchObject({ ok: false, detail: 'the predicate names no run' });
  });

  it('given the training version named again as the evaluation version, then contamination refuses it; an evaluation reference naming nothing is VersionNotFound', async () => {
    const same = await cairn.contamination('notes@1', 'notes@latest');
    expect(E.isLeft(same) && same.left).toMatchObject({ _tag: 'UsageError', reason: 'is the training version itself' });
    expect(tagOf(await cairn.contamination('notes@1', 'bench@1'))).toBe('VersionNotFound');
    expect(tagOf(await cairn.contamination('bench@1', 'notes@1'))).toBe('VersionNotFound');
  });

  it('given a validation appended after the cut, when the CF and the datasets are read as of before it, then they show the ledger as it was', async () => {
    const samplePosition = right(await cairn.show(samples[0]!)).position;
    const validator = right(await cairn.ledger.contributors.register(generateSigningKey(), { name: 'carol' }));
    const validated = right(
      await cairn.ledger.contribute.validation({ targets: [samples[0]!], verdict: 'approve', rationale: 'checked' }, validator),
    );
    right(await cairn.catchUp());
    expect(right(await cairn.show(samples[0]!)).targetedBy.map((e) => e.eventId)).toEqual([validated.id]);
    const then = right(await cairn.show(samples[0]!, builtAt));
    expect(then.targetedBy).toEqual([]);
    expect(then.versions.map((v) => v.dataset)).toEqual(['notes']);
    expect(right(await cairn.show(samples[0]!, builtAt - 1n)).versions).toEqual([]);
    expect(tagOf(await cairn.show(samples[0]!, samplePosition - 1n))).toBe('CfNotFound');

    expect(await cairn.datasets()).toMatchObject([{ name: 'notes', versions: 1 }]);
    expect(await cairn.datasets({}, builtAt - 1n)).toMatchObject([{ name: 'notes', versions: 0, latestVersionId: null }]);
    expect(await cairn.datasets({ cf: samples[0]!.slice(0, 8) }, builtAt - 1n)).toEqual([]);
    expect(await cairn.datasets({ cf: samples[0]!.slice(0, 8) }, builtAt)).toMatchObject([{ name: 'notes', versions: 1 }]);
    expect(await cairn.datasets({}, samplePosition)).toEqual([]);
  });

  it('given the log as it is, then the signed tree head covers every leaf, a checkpoint signs the same root into the log, and verifyLog finds nothing bad', async () => {
    const { leaves } = right(await cairn.logLeaves());
    const head = right(await cairn.treeHead());
    expect(head.treeHead).toMatchObject({ size: leaves.size, root: leaves.rootOf(leaves.size) });
    expect(head.consistency).toBeUndefined();
    const older = right(await cairn.treeHead(2));
    expect(older.consistency).toMatchObject({ oldSize: 2, oldRoot: leaves.rootOf(2), newSize: leaves.size });
    const beyond = await cairn.treeHead(leaves.size + 1);
    expect(E.isLeft(beyond) && beyond.left).toMatchObject({ _tag: 'UsageError', field: 'from' });
    const checkpoint = right(await cairn.checkpoint(curatorSigner));
    expect(checkpoint).toMatchObject({ size: leaves.size, root: head.treeHead.root });
    const verified = await cairn.verifyLog();
    expect(verified.firstBad).toBeNull();
    expect(verified.events).toBe(leaves.size + 1);
  });
});
