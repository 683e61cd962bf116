// Sealed batches: one signature for many CFs. Given a batch sealed by its author, the SDK appends
// it whole and `verify` accepts it; given any tampering (a CF under the wrong seal, a root that does
// not match, a CF missing or added, a reordered batch, a forged or revoked seal), the SDK refuses
// the append and names the first bad item, and verifyLog names the first bad event of a log
// changed behind the ledger's back. The CF ids are the same sealed or signed.
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from '@jest/globals';
import { checkAuthorship, eventLeafHash, generateSigningKey, LeafHashes, sha256Hex, signingBytes } from '@cairn/core';
import { createInMemoryEventLog } from '@cairn/eventlog';
import { expectViolation, ledgerOn, left, logSize, register, right, text } from './__tests__/given.js';
import type { Ledger } from './ledger.js';
import { publicKeyHexOf, type Signer } from './signing.js';
import { verifyLog } from './verify/verify-log.js';
import { sealedTamperingOn } from './__tests__/sealed-tampering.js';

type Envelope = Record<string, unknown> & { seal?: { id: string; index: number }; payload: Record<string, unknown> };

const labels = (sample: string, n: number, tag = 'class') =>
  Array.from({ length: n }, (_, i) => ({ type: 'LabelContributed', payload: { targets: [sample], labelType: tag, value: i } }));

async function world() {
  const log = createInMemoryEventLog();
  const ledger = ledgerOn(log);
  const alice = await register(ledger, 'alice');
  const bob = await register(ledger, 'bob');
  const sample = right(
    await ledger.contribute.sample({ bytes: text('a sample'), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice),
  );
  return { log, ledger, alice, bob, sample: sample.id };
}

function sealed(ledger: Ledger, signer: Signer, sample: string, n = 3, tag = 'class'): Envelope[] {
  return right(ledger.seal(labels(sample, n, tag), signer)).map((e) => JSON.parse(JSON.stringify(e)) as Envelope);
}

const ingest = (ledger: Ledger, envelopes: readonly unknown[]) => ledger.ingest(envelopes.map((envelope) => ({ envelope })));

describe('sealed batches through the SDK append path', () => {
  it('given a sealed batch, then it is appended whole (seal first), its CF ids are the signed ids, and verify accepts the log', async () => {
    const { log, ledger, alice, sample } = await world();
    const batch = sealed(ledger, alice, sample);
    const receipts = right(await ingest(ledger, batch));
    expect(receipts.map((r) => r.type)).toEqual(['BatchSealed', 'LabelContributed', 'LabelContributed', 'LabelContributed']);
    expect(receipts[0]!.stream).toBe(`seal-${receipts[0]!.id}`);
    for (const [i, label] of labels(sample, 3).entries()) {
      const signed = right(ledger.sign(label.type, label.payload, alice));
      expect(receipts[i + 1]!.id).toBe(sha256Hex(right(signingBytes(signed.type, signed.payload, signed.signer) as never)));
      expect(batch[i + 1]!.seal).toEqual({ id: receipts[0]!.id, index: i });
    }
    // Appending the same batch again is a no-op, like any replayed event.
    const before = await logSize(ledger);
    expect(right(await ingest(ledger, batch)).every((r) => r.alreadyAppended)).toBe(true);
    expect(await logSize(ledger)).toBe(before);
    // Both forms in one store: a CF signed on its own beside the sealed ones.
    right(await ledger.contribute.label({ targets: [sample], labelType: 'solo', value: 1 }, alice));
    const verified = await verifyLog(log);
    expect(verified.firstBad).toBeNull();
    expect(verified.events).toBe(before + 1);
  });

  it('given a CF appended sealed, when its author contributes the same content signed, one or many, then it is already appended, not a conflict', async () => {
    const { ledger, alice, sample } = await world();
    right(await ingest(ledger, sealed(ledger, alice, sample)));
    const before = await logSize(ledger);
    const again = right(await ledger.contribute.label({ targets: [sample], labelType: 'class', value: 0 }, alice));
    expect(again.alreadyAppended).toBe(true);
    const signed = labels(sample, 3).map((l) => right(ledger.sign(l.type, l.payload, alice)));
    expect(right(await ingest(ledger, signed)).every((r) => r.alreadyAppended)).toBe(true);
    expect(await logSize(ledger)).toBe(before);
  });

  it('given contribute.batch, then it seals by default (one seal per sealSize CFs) and seal: false signs each; the ids agree', async () => {
    const { ledger, alice, sample } = await world();
    const inputs = (tag: string) =>
      Array.from({ length: 5 }, (_, i) => ({ kind: 'label' as const, targets: [sample], labelType: tag, value: i }));
    const sealedReceipts = right(await ledger.contribute.batch(inputs('x'), alice, { sealSize: 2 }));
    const all = await ledger.log.readAll();
    const types = E.isRight(all) ? all.right.map((e) => e.type) : [];
    // 5 CFs in seals of 2, 2 and a lone one signed on its own.
    expect(types.slice(-8)).toEqual([
      'SampleContributed',
      ...['BatchSealed', 'LabelContributed', 'LabelContributed'],
      ...['BatchSealed', 'LabelContributed', 'LabelContributed'],
      'LabelContributed',
    ]);
    const lone = E.isRight(all) ? (all.right[all.right.length - 1]!.data as Record<string, unknown>) : {};
    expect(typeof lone.signature).toBe('string');
    const other = ledgerOn();
    const aliceThere = right(await other.contributors.register(alice.secretKey, { name: 'alice' }));
    const sampleThere = right(
      await other.contribute.sample({ bytes: text('a sample'), mediaType: 'text/plain', license: 'MIT', source: 's' }, aliceThere),
    );
    expect(sampleThere.id).toBe(sample);
    const signedReceipts = right(await other.contribute.batch(inputs('x'), aliceThere, { seal: false }));
    expect(signedReceipts.map((r) => r.id)).toEqual(sealedReceipts.map((r) => r.id));
    // A batch repeating CFs already in the log seals only the new ones and reports the rest.
    const again = right(await ledger.contribute.batch([...inputs('x'), ...inputs('y').slice(0, 2)], alice));
    expect(again.map((r) => r.alreadyAppended)).toEqual([true, true, true, true, true, false, false]);
    expect((await verifyLog(ledger.log)).firstBad).toBeNull();
    await other.close();
  });

  it('given a sealed CF and a signed one, then authorship proves each offline with core alone, with the key valid when it was signed', async () => {
    const { ledger, alice, sample } = await world();
    const receipts = right(await ingest(ledger, sealed(ledger, alice, sample, 5)));
    const solo = right(await ledger.contribute.label({ targets: [sample], labelType: 'solo', value: 1 }, alice));
    const oldKey = publicKeyHexOf(alice.secretKey);
    right(await ledger.contributors.rotateKey(alice, generateSigningKey()));
    for (const id of [receipts[4]!.id, solo.id]) {
      const proof = JSON.parse(JSON.stringify(right(await ledger.authorship(id)))) as unknown;
      expect(proof).toMatchObject({ publicKey: oldKey });
      expect(checkAuthorship(proof)).toMatchObject({ ok: true, cfId: id, signer: alice.contributorId });
    }
    const sealedProof = right(await ledger.authorship(receipts[2]!.id));
    expect(sealedProof).toMatchObject({ seal: { type: 'BatchSealed' }, auditPath: expect.any(Array) });
    expect(checkAuthorship({ ...sealedProof, auditPath: [...sealedProof.auditPath!].reverse() }).ok).toBe(false);
    expect(left(await ledger.authorship(receipts[0]!.id))).toMatchObject({ rule: 'reference-exists' });
  });

  describe('given a batch breaking a rule, then nothing is appended and the first bad item is named', () => {
    it('every rule applies to a sealed CF through its seal: a revoked key seals nothing, a reference must exist', async () => {
      const { ledger, alice, bob, sample } = await world();
      const late = sealed(ledger, bob, sample, 2);
      right(await ledger.contributors.revokeKey(bob, { reason: 'compromised' }));
      expectViolation(await ingest(ledger, late), 'signer-key-current');
      const dangling = right(ledger.seal([...labels(sample, 1), ...labels('f'.repeat(64), 1)], alice));
      const result = await ingest(ledger, dangling);
      expectViolation(result, 'reference-exists');
      expect(left(result)).toMatchObject({ index: 2 });
    });
  });
});

describe('sealed batches under verifyLog', () => {
  async function sealedLog() {
    const { log, ledger, alice, sample } = await world();
    right(await ingest(ledger, sealed(ledger, alice, sample, 3)));
    right(await ledger.contribute.label({ targets: [sample], labelType: 'after', value: 0 }, alice));
    const all = await log.readAll();
    if (E.isLeft(all)) throw new Error('readAll failed');
    return { log, ledger, alice, events: all.right };
  }

  it('given a sealed log with a checkpoint over it, then the checkpoint root covers the sealed leaves', async () => {
    const { log, ledger, alice, events } = await sealedLog();
    const leaves = new LeafHashes();
    for (const e of events) leaves.push(eventLeafHash(e)!);
    const envelope = right(ledger.sign('LogCheckpointed', { size: leaves.size, root: leaves.rootOf(leaves.size) }, alice));
    right(await ledger.ingest([{ envelope }]));
    const verified = await verifyLog(log);
    expect(verified.firstBad).toBeNull();
    expect(verified.checkpoints).toEqual([expect.objectContaining({ size: events.length, ok: true })]);
  });
});

// Every tampering case, through the SDK's append and through verify, in one table run on each
// adapter (the embedded and Postgres specs run the same table).
sealedTamperingOn('in-memory', () => Promise.resolve({ log: createInMemoryEventLog(), close: () => Promise.resolve() }));
