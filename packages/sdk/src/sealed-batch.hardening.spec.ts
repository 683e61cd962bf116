// Sealed batches: one signature for many CFs. Given a batch sealed by its author, the SDK appends
// it whole and `verify` accepts it; given any tampering (a CF under the wrong seal, a root that does
// not match, a CF missing or added, a reordered batch, a forged or revoked seal), the SDK refuses
// the append and names the first bad item, and verifyLog names the first bad event of a log
// changed behind the ledger's back. The CF ids are the same sealed or signed.
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from '@jest/globals';
import { canonicalize, checkAuthorship, eventLeafHash, generateSigningKey, LeafHashes, sha256Hex, signingBytes } from '@cairn/core';
import { createInMemoryEventLog, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import { expectViolation, ledgerOn, left, logSize, register, right, text } from './__tests__/given.js';
import type { Ledger } from './ledger.js';
import { publicKeyHexOf, type Signer } from './signing.js';
import { verifyLog } from './verify/verify-log.js';

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

  describe('given a tampered batch, then nothing is appended and the first bad item is named', () => {
    const cases: readonly [string, (a: Envelope[], b: Envelope[]) => Envelope[], string, number, string | undefined][] = [
      [
        'a CF naming a seal it is not under',
        (a, b) => [a[0]!, a[1]!, { ...a[2]!, seal: { ...b[2]!.seal! } }, a[3]!],
        'seal-member',
        2,
        'LabelContributed.seal.id',
      ],
      [
        'a seal whose root does not match its CFs',
        (a, b) => [a[0]!, a[1]!, { ...b[2]!, seal: a[2]!.seal }, a[3]!],
        'seal-root',
        0,
        undefined,
      ],
      ['a CF missing from the batch', (a) => a.slice(0, 3), 'seal-complete', 0, undefined],
      ['a CF missing before another event', (a, b) => [...a.slice(0, 3), ...b], 'seal-complete', 0, undefined],
      [
        'a CF added to the batch',
        (a, b) => [...a, { ...b[1]!, seal: { id: a[0]!.seal?.id ?? a[1]!.seal!.id, index: 3 } }],
        'seal-member',
        4,
        undefined,
      ],
      ['a reordered batch', (a) => [a[0]!, a[2]!, a[1]!, a[3]!], 'seal-member', 1, 'LabelContributed.seal.index'],
      ['a CF without its seal', (a) => a.slice(1), 'seal-member', 0, undefined],
      [
        'a seal whose signature was made by no one',
        (a) => [{ ...a[0]!, signature: 'ab'.repeat(64) }, ...a.slice(1)],
        'signature-valid',
        0,
        undefined,
      ],
    ];
    it.each(cases)('%s', async (_what, tamper, rule, index, field) => {
      const { ledger, alice, sample } = await world();
      const a = sealed(ledger, alice, sample, 3, 'a');
      const b = sealed(ledger, alice, sample, 3, 'b');
      const before = await logSize(ledger);
      const result = await ingest(ledger, tamper(a, b));
      expectViolation(result, rule, field);
      expect(left(result)).toMatchObject({ index });
      expect(await logSize(ledger)).toBe(before);
    });

    it("a CF of bob's under alice's seal", async () => {
      const { ledger, alice, bob, sample } = await world();
      const a = sealed(ledger, alice, sample, 2);
      const result = await ingest(ledger, [a[0]!, a[1]!, { ...a[2]!, signer: bob.contributorId }]);
      expectViolation(result, 'seal-member', 'LabelContributed.signer');
    });

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

/** The same log, its events as `change` makes them (what an attacker with write access could do). */
function tampered(log: EventLog, change: (events: RecordedEvent[]) => RecordedEvent[]): EventLog {
  return {
    ...log,
    readAll: async (options) =>
      E.map((events: readonly RecordedEvent[]) => (options?.after ? [] : change([...events])) as readonly RecordedEvent[])(
        await log.readAll({ ...options, after: null, limit: undefined }),
      ),
  };
}

/** A stored event with new data, its stored text the canonical form, and its id recomputed when asked. */
function rewritten(event: RecordedEvent, data: Envelope, recomputeId = false): RecordedEvent {
  const storedData = E.getOrElse(() => '')(canonicalize(data));
  const id = recomputeId
    ? (sha256Hex(right(signingBytes(String(data.type), data.payload, String(data.signer)) as never)) as string as RecordedEvent['id'])
    : event.id;
  return { ...event, data: data as never, storedData, id, ...(recomputeId ? { stream: `cf-${id}`, revision: 0n } : {}) };
}

describe('sealed batches under verifyLog', () => {
  async function sealedLog() {
    const { log, ledger, alice, sample } = await world();
    right(await ingest(ledger, sealed(ledger, alice, sample, 3)));
    right(await ledger.contribute.label({ targets: [sample], labelType: 'after', value: 0 }, alice));
    const all = await log.readAll();
    if (E.isLeft(all)) throw new Error('readAll failed');
    const sealAt = all.right.findIndex((e) => e.type === 'BatchSealed');
    return { log, ledger, alice, events: all.right, sealAt };
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

  const cases: readonly [string, (events: RecordedEvent[], at: number) => RecordedEvent[], number, string][] = [
    // The CF that arrives where the dropped one belonged is the first out of place.
    ['a CF dropped from the batch', (ev, at) => [...ev.slice(0, at + 2), ...ev.slice(at + 3)], 2, 'seal-member'],
    ['a CF dropped just before another event', (ev, at) => [...ev.slice(0, at + 3), ...ev.slice(at + 4)], 0, 'seal-complete'],
    ['the last CF dropped with the end of the log', (ev, at) => ev.slice(0, at + 3), 0, 'seal-complete'],
    ['two CFs swapped', (ev, at) => [...ev.slice(0, at + 1), ev[at + 2]!, ev[at + 1]!, ...ev.slice(at + 3)], 1, 'seal-member'],
    [
      'a CF moved under another seal',
      (ev, at) => ev.map((e, i) => (i === at + 2 ? rewritten(e, { ...(e.data as Envelope), seal: { id: 'e'.repeat(64), index: 1 } }) : e)),
      2,
      'seal-member',
    ],
    [
      'a CF changed (its id recomputed, so only the root gives it away)',
      (ev, at) =>
        ev.map((e, i) => {
          const data = e.data as Envelope;
          return i === at + 2 ? rewritten(e, { ...data, payload: { ...data.payload, value: 42 } }, true) : e;
        }),
      0,
      'seal-root',
    ],
    [
      'a CF added after the batch',
      (ev, at) => {
        const extra = ev[ev.length - 1]!;
        return [
          ...ev,
          rewritten(
            { ...extra, position: extra.position + 1n },
            {
              ...(ev[at + 1]!.data as Envelope),
              payload: { ...(ev[at + 1]!.data as Envelope).payload, value: 99 },
              seal: { ...(ev[at + 1]!.data as Envelope).seal!, index: 3 },
            },
            true,
          ),
        ];
      },
      -1,
      'seal-member',
    ],
  ];
  it.each(cases)('given %s, then verify names the first bad event', async (_what, change, offset, rule) => {
    const { log, events, sealAt } = await sealedLog();
    const changed = change([...events], sealAt);
    const verified = await verifyLog(tampered(log, () => changed));
    const expected = offset === -1 ? changed[changed.length - 1]! : changed[sealAt + offset]!;
    expect(verified.firstBad).toMatchObject({ check: 'seal', rule, position: expected.position.toString(), eventId: expected.id });
  });
});
