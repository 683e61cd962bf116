// Who may do what, through the SDK (before append) and through replayEvent (what `cairn verify`
// runs over a log): amendments by the author or a curator, manifests and datasets by curators,
// builds by a dataset's maintainers, erasure also by a steward, sample bytes for readers.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { sign } from '@cairn/core';
import { decodeEvent, withManifestDefaults, type CairnEvent } from '@cairn/schemas';
import { contributeSample, expectViolation, ledgerOn, left, logSize, register, right, text } from '../__tests__/given.js';
import { newSigner, signEvent, type Signer } from '../signing.js';
import { streamOf } from './ledger-rules.js';
import { createLedgerReplay, replayEvent } from '../state/replay-state.js';
import { manifestIdOf } from '../ingest/streams.js';

// Complete and through JSON: defaults filled in jest's vm realm are not plain JSON to canonicalize.
const full = (m: Record<string, unknown>) => JSON.parse(JSON.stringify(withManifestDefaults(m as never))) as unknown;
const MANIFEST = full({ licensePolicy: { allowed: ['CC-BY-4.0'] } });

async function world() {
  const ledger = ledgerOn();
  const founder = await register(ledger, 'founder');
  const alice = await register(ledger, 'alice');
  const carol = await register(ledger, 'carol');
  const s = await contributeSample(ledger, alice);
  return { ledger, founder, alice, carol, s };
}

describe('amendment-authority', () => {
  it("given alice's sample, when carol amends it, then amendment-authority refuses naming the field and nothing is appended", async () => {
    const { ledger, alice, carol, s } = await world();
    const before = await logSize(ledger);
    expectViolation(
      await ledger.amend(s.id, { source: 'carol was here' }, carol),
      'amendment-authority',
      'SampleContributed.payload.amends',
    );
    expect(await logSize(ledger)).toBe(before);
    right(await ledger.amend(s.id, { source: 'fixed by alice' }, alice));
  });

  it("given alice's label, when carol supersedes it, then amendment-authority refuses; a curator may", async () => {
    const { ledger, founder, alice, carol, s } = await world();
    const label = right(await ledger.contribute.label({ targets: [s.id], labelType: 'topic', value: 'science' }, alice));
    const replacement = { kind: 'label' as const, targets: [s.id], labelType: 'topic', value: 'history' };
    expectViolation(await ledger.supersede(label.id, replacement, carol), 'amendment-authority', 'LabelContributed.payload.supersedes');
    right(await ledger.contributors.grantRole(founder, carol.contributorId, 'curator'));
    right(await ledger.supersede(label.id, replacement, carol));
  });

  it("given the founder, when it amends anyone's sample, then it may: the founder is an admin, and an admin a curator", async () => {
    const { ledger, founder, s } = await world();
    right(await ledger.amend(s.id, { source: 'corrected by the founder' }, founder));
  });
});

describe('manifests, datasets and builds', () => {
  it('given a contributor with no role, when it defines a manifest or a dataset, then manifest-authority / dataset-authority refuse', async () => {
    const { ledger, carol } = await world();
    expectViolation(await ledger.manifests.define(MANIFEST, carol), 'manifest-authority', 'ManifestDefined.signer');
    expectViolation(await ledger.datasets.define('corpus', carol), 'dataset-authority', 'DatasetDefined.signer');
  });

  it('given a curator defined the dataset, when a non-maintainer requests a build, then build-authority refuses; a granted maintainer may', async () => {
    const { ledger, founder, alice, carol } = await world();
    right(await ledger.contributors.grantRole(founder, alice.contributorId, 'curator'));
    const { manifestId } = right(await ledger.manifests.define(MANIFEST, alice));
    right(await ledger.datasets.define('corpus', alice));
    right(await ledger.datasets.requestBuild('corpus', manifestId, alice));
    right(await ledger.contributors.revokeRole(founder, alice.contributorId, 'curator'));
    // the definer keeps maintaining its dataset without the curator role
    right(await ledger.datasets.requestBuild('corpus', manifestId, alice));
    expectViolation(await ledger.datasets.requestBuild('corpus', manifestId, carol), 'build-authority', 'DatasetBuildRequested.signer');
    right(await ledger.contributors.grantRole(founder, carol.contributorId, 'maintainer', { dataset: 'corpus' }));
    expect([...right(await ledger.contributors.get(carol.contributorId))!.maintains]).toEqual(['corpus']);
    right(await ledger.datasets.requestBuild('corpus', manifestId, carol));
    // a maintainer defines manifests (for the datasets it maintains)
    const other = right(await ledger.manifests.define(full({ licensePolicy: { allowed: ['MIT'] } }), carol)).manifestId;
    right(await ledger.contributors.revokeRole(founder, carol.contributorId, 'maintainer', { dataset: 'corpus' }));
    expectViolation(await ledger.datasets.requestBuild('corpus', other, carol), 'build-authority');
  });

  it('given a maintainer grant without its dataset, then the payload is refused naming dataset', async () => {
    const { ledger, founder, carol } = await world();
    const error = left(await ledger.contributors.grantRole(founder, carol.contributorId, 'maintainer'));
    expect(error).toMatchObject({ _tag: 'DecodeFailure' });
    expect((error as { message: string }).message).toContain('ContributorRoleGranted.payload.dataset');
  });
});

describe('erasure-authority', () => {
  it("given alice's sample, when carol erases it, then erasure-authority refuses; as steward she may", async () => {
    const { ledger, founder, carol, s } = await world();
    expectViolation(await ledger.erase(s.id, carol), 'erasure-authority', 'SampleErased.signer');
    right(await ledger.contributors.grantRole(founder, carol.contributorId, 'steward'));
    right(await ledger.erase(s.id, carol));
  });

  it("given a steward, when it deprecates or amends another's sample, then it may not: the role is for erasure only", async () => {
    const { ledger, founder, carol, s } = await world();
    right(await ledger.contributors.grantRole(founder, carol.contributorId, 'steward'));
    expectViolation(await ledger.deprecate(s.id, { reason: 'takedown' }, carol), 'deprecation-authority');
    expectViolation(await ledger.amend(s.id, { source: 'x' }, carol), 'amendment-authority');
  });
});

describe('read-authority', () => {
  it("given alice's sample, when carol reads it, then read-authority refuses; its author, a reader and a curator read the bytes", async () => {
    const { ledger, founder, alice, carol, s } = await world();
    const bob = await register(ledger, 'bob');
    expectViolation(await ledger.samples.readAs(s.id, carol), 'read-authority', 'reader');
    expect(new TextDecoder().decode(right(await ledger.samples.readAs(s.id, alice)))).toBe('the quick brown fox');
    right(await ledger.contributors.grantRole(founder, carol.contributorId, 'reader'));
    right(await ledger.contributors.grantRole(founder, bob.contributorId, 'curator'));
    expect(right(await ledger.samples.readAs(s.id, carol))).toEqual(text('the quick brown fox'));
    expect(right(await ledger.samples.readAs(s.id, bob))).toEqual(text('the quick brown fox'));
  });

  it("given a signer claiming a reader's id with another key, then read-authority refuses", async () => {
    const { ledger, founder, carol, s } = await world();
    right(await ledger.contributors.grantRole(founder, carol.contributorId, 'reader'));
    const impostor = { contributorId: carol.contributorId, secretKey: newSigner().secretKey };
    expectViolation(await ledger.samples.readAs(s.id, impostor), 'read-authority', 'reader');
  });

  it('given a remote reader proving its key by a signature, then the bytes are read; a signature by another key, or a changed message, is refused', async () => {
    const { ledger, founder, carol, s } = await world();
    right(await ledger.contributors.grantRole(founder, carol.contributorId, 'reader'));
    const message = text('a signed request');
    const proven = { contributorId: carol.contributorId, proof: { message, signature: sign(message, carol.secretKey) } };
    expect(right(await ledger.samples.readAs(s.id, proven))).toEqual(text('the quick brown fox'));
    const forged = { contributorId: carol.contributorId, proof: { message, signature: sign(message, newSigner().secretKey) } };
    expectViolation(await ledger.samples.readAs(s.id, forged), 'read-authority', 'reader');
    const moved = { contributorId: carol.contributorId, proof: { message: text('another request'), signature: proven.proof.signature } };
    expectViolation(await ledger.samples.readAs(s.id, moved), 'read-authority', 'reader');
  });
});

function event(type: string, payload: unknown, signer: Signer): { readonly event: CairnEvent; readonly eventId: string } {
  const signed = signEvent(type, payload, signer);
  if (E.isLeft(signed)) throw new Error(signed.left.message);
  const decoded = decodeEvent(signed.right.envelope);
  if (E.isLeft(decoded)) throw new Error(`${type} does not decode`);
  return { event: decoded.right, eventId: signed.right.eventId };
}

function firstRefused(events: readonly { readonly event: CairnEvent; readonly eventId: string }[]): { index: number; rule: string } | null {
  const replay = createLedgerReplay();
  for (const [index, { event: e, eventId }] of events.entries()) {
    const key = replayEvent(replay, e, { eventId, stream: streamOf(e, eventId), position: BigInt(index + 1) });
    if (E.isLeft(key)) return { index, rule: key.left.rule };
  }
  return null;
}

describe('the same rules replayed over a log (cairn verify)', () => {
  const founder = newSigner();
  const alice = newSigner();
  const carol = newSigner();
  const registrations = [founder, alice, carol].map((s, i) => event('ContributorRegistered', { publicKey: s.publicKey, name: `c${i}` }, s));
  const sample = event(
    'SampleContributed',
    { commitment: { scheme: 'sha256', value: 'ab'.repeat(32) }, size: 3, mediaType: 'text/plain', license: 'MIT', source: 'notes' },
    alice,
  );
  const amendment = event(
    'SampleContributed',
    {
      commitment: { scheme: 'sha256', value: 'cd'.repeat(32) },
      size: 3,
      mediaType: 'text/plain',
      license: 'MIT',
      source: 'notes',
      amends: sample.eventId,
    },
    carol,
  );
  const manifest = MANIFEST;
  const defineManifest = (by: Signer) => event('ManifestDefined', { manifest }, by);
  const defineDataset = (by: Signer) => event('DatasetDefined', { name: 'corpus' }, by);
  const build = (by: Signer) => event('DatasetBuildRequested', { dataset: 'corpus', manifestId: manifestIdOf(manifest) }, by);
  const grant = (role: string, extra: Record<string, unknown> = {}) =>
    event('ContributorRoleGranted', { contributor: carol.contributorId, role, ...extra }, founder);

  it("given carol's amendment of alice's sample logged without a grant, then replay refuses it with amendment-authority", () => {
    expect(firstRefused([...registrations, sample, amendment])).toEqual({ index: 4, rule: 'amendment-authority' });
    expect(firstRefused([...registrations, sample, grant('curator'), amendment])).toBeNull();
  });

  it('given a manifest, dataset and build logged by a contributor with no role, then replay refuses each', () => {
    expect(firstRefused([...registrations, defineManifest(carol)])).toEqual({ index: 3, rule: 'manifest-authority' });
    expect(firstRefused([...registrations, defineDataset(carol)])).toEqual({ index: 3, rule: 'dataset-authority' });
    expect(firstRefused([...registrations, defineManifest(founder), defineDataset(founder), build(carol)])).toEqual({
      index: 5,
      rule: 'build-authority',
    });
    expect(
      firstRefused([
        ...registrations,
        defineManifest(founder),
        defineDataset(founder),
        grant('maintainer', { dataset: 'corpus' }),
        build(carol),
      ]),
    ).toBeNull();
  });

  it('given a sample erased once, when a second erasure of it (another reason) is logged, then replay refuses it with erasure-once', () => {
    const erase = (reason: string) => event('SampleErased', { sample: sample.eventId, reason }, alice);
    expect(firstRefused([...registrations, sample, erase('subject request')])).toBeNull();
    expect(firstRefused([...registrations, sample, erase('subject request'), erase('asked twice')])).toEqual({
      index: 5,
      rule: 'erasure-once',
    });
  });
});
