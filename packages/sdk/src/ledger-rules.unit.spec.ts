import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { generateSigningKey, publicKeyOf, sign, signingBytes, toHex } from '@cairn/core';
import {
  contributeSample,
  expectViolation,
  ledgerOn,
  left,
  logSize,
  register,
  right,
  sha256Of,
  signedSamples,
  text,
} from './__tests__/given.js';
import { idOf, signerWithKey } from './signing.js';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';

describe('contributing CFs', () => {
  it('given registered contributors, when they contribute a sample, label and validation, then each is one event in the log under cf-<id>', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const bob = await register(ledger, 'bob');
    const carol = await register(ledger, 'carol');
    const s = await contributeSample(ledger, alice);
    const l = right(await ledger.contribute.label({ targets: [s.id], labelType: 'topic', value: 'science' }, bob));
    const v = right(await ledger.contribute.validation({ targets: [l.id], verdict: 'approve', rationale: 'checked' }, carol));
    expect([s.stream, l.stream, v.stream]).toEqual([`cf-${s.id}`, `cf-${l.id}`, `cf-${v.id}`]);
    expect(v.position > l.position && l.position > s.position).toBe(true);
    expect(await logSize(ledger)).toBe(6);
    await ledger.close();
  });

  it('given a CF already in the log, when the same CF is contributed again, then it is one event and the receipt says alreadyAppended', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const label = { targets: [s.id], labelType: 'topic', value: 'science' };
    const first = right(await ledger.contribute.label(label, alice));
    const again = right(await ledger.contribute.label(label, alice));
    expect(again).toEqual({ ...first, alreadyAppended: true });
    expect(await logSize(ledger)).toBe(3);
  });

  it('given a label whose target does not exist, when it is contributed, then reference-exists names the field and nothing is appended', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const missing = 'ab'.repeat(32);
    const result = await ledger.contribute.label({ targets: [missing], labelType: 'topic', value: 'x' }, alice);
    expectViolation(result, 'reference-exists', 'LabelContributed.payload.targets[0]');
    expect(await logSize(ledger)).toBe(1);
  });

  it('given a validation with no targets, when it is contributed, then it is refused: a validation cannot stand alone', async () => {
    const ledger = ledgerOn();
    const carol = await register(ledger, 'carol');
    const error = left(await ledger.contribute.validation({ targets: [], verdict: 'approve', rationale: 'ok' }, carol));
    expect(error._tag).toBe('DecodeFailure');
    expect((error as { message: string }).message).toContain('ValidationContributed.payload.targets');
  });

  it('given a validation that targets a contributor registration, then reference-kind says it is not a CF', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const registration = right(await ledger.contributors.get(alice.contributorId));
    expect(registration).toBeDefined();
    const regEvents = await ledger.log.readStream(`contributor-${alice.contributorId}`);
    const regId = E.isRight(regEvents) ? regEvents.right[0]!.id : '';
    expectViolation(
      await ledger.contribute.validation({ targets: [regId], verdict: 'approve', rationale: 'x' }, alice),
      'reference-kind',
      'ValidationContributed.payload.targets[0]',
    );
  });

  it('given a bad license, then the decode failure names the field and the reason', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const error = left(
      await ledger.contribute.sample({ bytes: text('x'), mediaType: 'text/plain', license: 'MIT or whatever', source: 's' }, alice),
    );
    expect(error).toMatchObject({ _tag: 'DecodeFailure', type: 'SampleContributed' });
    expect((error as { message: string }).message).toMatch(/SampleContributed\.payload\.license: expected .*SPDX/);
  });
});

describe('amend, supersede, deprecate', () => {
  it('given a label, when its author amends it, then a new label references the old one and the old one is untouched', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const bob = await register(ledger, 'bob');
    const s = await contributeSample(ledger, alice);
    const l = right(await ledger.contribute.label({ targets: [s.id], labelType: 'topic', value: 'science' }, bob));
    const amended = right(await ledger.amend(l.id, { value: 'physics' }, bob));
    const events = await ledger.log.readByIds([l.id, amended.id]);
    const byId = new Map(E.isRight(events) ? events.right.map((e) => [e.id, e.data as { payload: Record<string, unknown> }]) : []);
    expect(byId.get(l.id)!.payload.value).toBe('science');
    expect(byId.get(amended.id)!.payload).toMatchObject({ value: 'physics', amends: l.id, targets: [s.id] });
  });

  it('given a sample, when it is amended, then the new sample carries the same bytes and amends the original', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice, 'original bytes');
    const amended = right(await ledger.amend(s.id, { license: 'MIT' }, alice));
    expect(new TextDecoder().decode(right(await ledger.samples.read(amended.id)))).toBe('original bytes');
  });

  it('given a label, when a validation tries to amend it, then amend-same-kind refuses', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const l = right(await ledger.contribute.label({ targets: [s.id], labelType: 'topic', value: 'x' }, alice));
    const result = await ledger.contribute.validation({ targets: [s.id], verdict: 'approve', rationale: 'r', amends: l.id }, alice);
    expectViolation(result, 'amend-same-kind', 'ValidationContributed.payload.amends');
    expectViolation(
      await ledger.supersede(l.id, { kind: 'sample', bytes: text('y'), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice),
      'amend-same-kind',
      'SampleContributed.payload.supersedes',
    );
  });

  it('given a sample, when someone other than its author deprecates it, then deprecation-authority refuses; its author and a curator may', async () => {
    const ledger = ledgerOn();
    const founder = await register(ledger, 'founder');
    const alice = await register(ledger, 'alice');
    const mallory = await register(ledger, 'mallory');
    const curator = await register(ledger, 'curator');
    const s = await contributeSample(ledger, alice);
    expectViolation(
      await ledger.deprecate(s.id, { reason: 'takedown', note: 'takedown request' }, mallory),
      'deprecation-authority',
      'ContributionDeprecated.signer',
    );
    right(await ledger.deprecate(s.id, { reason: 'takedown', note: 'takedown request' }, alice));
    right(await ledger.contributors.grantRole(founder, curator.contributorId, 'curator'));
    const s2 = await contributeSample(ledger, alice, 'another');
    const d = right(await ledger.deprecate(s2.id, { reason: 'quality' }, curator));
    expect(d.stream).toBe(`cf-${s2.id}`);
  });

  it('given no admin, when a non-founder grants a role, then role-grant-authority refuses; the founder may make an admin who then grants', async () => {
    const ledger = ledgerOn();
    const founder = await register(ledger, 'founder');
    const alice = await register(ledger, 'alice');
    const bob = await register(ledger, 'bob');
    expectViolation(await ledger.contributors.grantRole(alice, alice.contributorId, 'admin'), 'role-grant-authority');
    right(await ledger.contributors.grantRole(founder, alice.contributorId, 'admin'));
    right(await ledger.contributors.grantRole(alice, bob.contributorId, 'curator'));
    expect([...right(await ledger.contributors.get(bob.contributorId))!.roles]).toEqual(['curator']);
  });
});

describe('keys by log position', () => {
  it('given a contributor, when the key is rotated, then the old key signs nothing new and the new key does', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice, 'before rotation');
    const newKey = generateSigningKey();
    const rotated = right(await ledger.contributors.rotateKey(alice, newKey));
    expectViolation(
      await ledger.contribute.label({ targets: [s.id], labelType: 't', value: 1 }, alice),
      'signature-valid',
      'LabelContributed.signature',
    );
    right(await ledger.contribute.label({ targets: [s.id], labelType: 't', value: 1 }, rotated));
    const state = right(await ledger.contributors.get(alice.contributorId))!;
    expect(state.keys.map((k) => k.endedBy)).toEqual(['rotation', undefined]);
  });

  it('given a rotation signed by the new key instead of the old one, then the signature is refused', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const newKey = generateSigningKey();
    expectViolation(
      await ledger.contributors.rotateKey(signerWithKey(alice, newKey), newKey),
      'signature-valid',
      'ContributorKeyRotated.signature',
    );
  });

  it('given a revoked key, then it signs nothing new, and the events it signed before still verify at their positions', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const revocation = right(await ledger.contributors.revokeKey(alice, { reason: 'compromised' }));
    expectViolation(
      await ledger.contribute.label({ targets: [s.id], labelType: 't', value: 1 }, alice),
      'signer-key-current',
      'LabelContributed.signer',
    );
    const { keyValidAt } = await import('./state/contributor-state.js');
    const state = right(await ledger.contributors.get(alice.contributorId))!;
    const key = toHex(publicKeyOf(alice.secretKey));
    expect(keyValidAt(state, key, s.position)).toBe(true);
    expect(keyValidAt(state, key, revocation.position)).toBe(false);
    expect(right(await ledger.samples.read(s.id))).toEqual(text('the quick brown fox'));
  });

  it('given an unregistered signer, then signer-registered refuses', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const { newSigner } = await import('./signing.js');
    expectViolation(
      await ledger.contribute.label({ targets: [s.id], labelType: 't', value: 1 }, newSigner()),
      'signer-registered',
      'LabelContributed.signer',
    );
  });

  it('given an envelope signed elsewhere with a tampered payload, when ingested, then signature-valid refuses it', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const s = await contributeSample(ledger, alice);
    const envelope = right(ledger.sign('LabelContributed', { targets: [s.id], labelType: 't', value: 'cat' }, alice));
    const tampered = { ...envelope, payload: { targets: [s.id], labelType: 't', value: 'dog' } };
    expectViolation(await ledger.ingest([{ envelope: tampered }]), 'signature-valid', 'LabelContributed.signature');
    const bytes = signingBytes('LabelContributed', tampered.payload, alice.contributorId);
    const resigned = { ...tampered, signature: toHex(sign(E.isRight(bytes) ? bytes.right : new Uint8Array(), alice.secretKey)) };
    right(await ledger.ingest([{ envelope: resigned }]));
  });

  it('given a registration whose signer is not derived from its key, then registration-self-signed refuses', async () => {
    const ledger = ledgerOn();
    const mallory = await register(ledger, 'mallory');
    const victimKey = toHex(publicKeyOf(generateSigningKey()));
    const envelope = right(ledger.sign('ContributorRegistered', { publicKey: victimKey, name: 'victim' }, mallory));
    expectViolation(await ledger.ingest([{ envelope }]), 'registration-self-signed', 'ContributorRegistered.signer');
  });
});

describe('batches', () => {
  it('given a batch with one bad contribution, when it is ingested, then nothing of it is appended and the error points at the item', async () => {
    const ledger = ledgerOn(undefined, { workers: 1 });
    const alice = await register(ledger, 'alice');
    const before = await logSize(ledger);
    const inputs = Array.from({ length: 100 }, (_, i) => ({
      kind: 'sample' as const,
      bytes: text(`sample ${i}`),
      mediaType: 'text/plain',
      license: 'MIT',
      source: 'bulk',
    }));
    const bad = { kind: 'label' as const, targets: ['cd'.repeat(32)], labelType: 't', value: 1 };
    const error = left(await ledger.contribute.batch([...inputs.slice(0, 70), bad, ...inputs.slice(70)], alice));
    expect(error).toMatchObject({ _tag: 'RuleViolation', rule: 'reference-exists', index: 70 });
    expect(await logSize(ledger)).toBe(before);
    await ledger.close();
  });

  it('given a batch whose last item has a bad signature, then nothing is appended and no sample bytes stay behind', async () => {
    const { createMemoryBlobStore } = await import('./blob-store/memory.js');
    const blobs = createMemoryBlobStore();
    const ledger = ledgerOn(undefined, { workers: 2, blobs });
    const alice = await register(ledger, 'alice');
    const items = signedSamples(ledger, alice, 'bulk', 0, 200, 'bulk');
    const last = items[199]!;
    const forged = {
      ...last,
      envelope: { ...last.envelope, signature: last.envelope.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) },
    };
    const error = left(await ledger.ingest([...items.slice(0, 199), forged]));
    expect(error).toMatchObject({ _tag: 'RuleViolation', rule: 'signature-valid', index: 199 });
    expect(await logSize(ledger)).toBe(1);
    expect(blobs.addresses()).toEqual([]);
    const ok = right(await ledger.ingest(items));
    expect(ok).toHaveLength(200);
    expect(await logSize(ledger)).toBe(201);
    await ledger.close();
  });

  it('given pipelined batches where the second has a bad item, then the first is appended, the second not, and the error names batch and item', async () => {
    const ledger = ledgerOn(undefined, { workers: 2 });
    const alice = await register(ledger, 'alice');
    const batch = (from: number) => signedSamples(ledger, alice, 'pipelined', from, 150);
    const first = batch(0);
    const second = batch(150);
    second[42] = { ...second[42]!, sample: { bytes: text('not the committed bytes') } };
    const third = batch(300);
    const error = left(await ledger.ingestBatches([first, second, third]));
    expect(error).toMatchObject({ _tag: 'RuleViolation', rule: 'sample-bytes', index: 42, batch: 1 });
    expect(await logSize(ledger)).toBe(1 + 150);
    const receipts = right(await ledger.ingestBatches([first, batch(150), third]));
    expect(receipts.map((r) => r.filter((x) => x.alreadyAppended).length)).toEqual([150, 0, 0]);
    expect(await logSize(ledger)).toBe(1 + 450);
    await ledger.close();
  });

  it("given pipelined batches where the log refuses the second append, then the first stays, nothing later is appended, and the second batch's bytes are removed", async () => {
    const log = createInMemoryEventLog();
    let appends = 0;
    const refusingSecond: EventLog = {
      ...log,
      appendMany: async (requests) => (++appends === 3 ? E.left({ _tag: 'Unavailable', reason: 'disk full' }) : log.appendMany(requests)),
    };
    const blobs = createMemoryBlobStore();
    const ledger = ledgerOn(refusingSecond, { blobs, workers: 2 });
    const alice = await register(ledger, 'alice'); // append 1
    const batch = (from: number) => signedSamples(ledger, alice, 'refused', from, 150);
    const batches = [batch(0), batch(150), batch(300)];
    const error = left(await ledger.ingestBatches(batches));
    expect(error).toMatchObject({ _tag: 'Unavailable', reason: 'disk full', batch: 1 });
    expect(await logSize(ledger)).toBe(1 + 150);
    expect(blobs.addresses()).toHaveLength(150);
    await ledger.close();
  });

  it('given a batch source that throws while an append is in flight, then the throw surfaces after that append has settled', async () => {
    const ledger = ledgerOn(undefined, { workers: 2 });
    const alice = await register(ledger, 'alice');
    const first = signedSamples(ledger, alice, 'only batch', 0, 1);
    function* source() {
      yield first;
      throw new Error('source broke');
    }
    await expect(ledger.ingestBatches(source())).rejects.toThrow('source broke');
    expect(await logSize(ledger)).toBe(2);
    await ledger.close();
  });

  it('given labels that reference samples earlier in the same batch, then the batch is accepted', async () => {
    const ledger = ledgerOn();
    const alice = await register(ledger, 'alice');
    const sample = { kind: 'sample' as const, bytes: text('in batch'), mediaType: 'text/plain', license: 'MIT', source: 'b' };
    const envelope = right(
      ledger.sign(
        'SampleContributed',
        {
          commitment: { scheme: 'sha256', value: sha256Of(sample.bytes) },
          mediaType: 'text/plain',
          size: sample.bytes.length,
          license: 'MIT',
          source: 'b',
        },
        alice,
      ),
    );
    const sampleId = right(idOf(envelope.type, envelope.payload, envelope.signer)).eventId;
    const receipts = right(
      await ledger.contribute.batch([sample, { kind: 'label', targets: [sampleId], labelType: 't', value: 1 }], alice),
    );
    expect(receipts.map((r) => r.type)).toEqual(['SampleContributed', 'LabelContributed']);
    expect(receipts[0]!.id).toBe(sampleId);
  });
});
