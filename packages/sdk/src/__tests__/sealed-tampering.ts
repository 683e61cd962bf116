// The tampering cases of sealed batches: one table of cases, run against every log adapter (in
// memory, PGlite, Postgres) with one store per adapter. Two paths, each as a user meets it:
//   - the SDK's append: a tampered batch is refused with the first bad item named, and nothing of
//     it reaches the store (all or nothing through the adapter's appendMany);
//   - `verify` (verifyLog) of a store written behind the ledger's back: the tampered events are
//     appended raw, through the adapter, and read back from it; verify names the first bad event.
// Each case writes its own CFs (a tag per case, so no two cases share a stream) and each verify
// case is judged on the store's clean prefix plus that case's events, as the adapter stored them.
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventLeafHash, LeafHashes, sha256Hex, signingBytes } from '@cairn/core';
import { ExpectedRevision, type AppendRequest, type EventLog, type JsonValue, type RecordedEvent } from '@cairn/eventlog';
import { expectViolation, ledgerOn, left, logSize, register, right, text } from './given.js';
import type { Ledger } from '../ledger.js';
import type { Signer } from '../signing.js';
import { verifyLog, type TrustedPrefix } from '../verify/verify-log.js';

type Envelope = Record<string, unknown> & {
  type: string;
  signer: string;
  seal?: { id: string; index: number };
  payload: Record<string, unknown>;
};

interface World {
  readonly log: EventLog;
  readonly ledger: Ledger;
  readonly alice: Signer;
  readonly bob: Signer;
  readonly sample: string;
}

const labels = (sample: string, n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ type: 'LabelContributed', payload: { targets: [sample], labelType: tag, value: i } }));

const idOfEnvelope = (e: Envelope): string => sha256Hex(E.getOrElseW(() => new Uint8Array())(signingBytes(e.type, e.payload, e.signer)));

function sealed(world: World, signer: Signer, n: number, tag: string): Envelope[] {
  return right(world.ledger.seal(labels(world.sample, n, tag), signer)).map((e) => JSON.parse(JSON.stringify(e)) as Envelope);
}

const ingest = (ledger: Ledger, envelopes: readonly unknown[]) => ledger.ingest(envelopes.map((envelope) => ({ envelope })));

/** Appends envelopes raw, one new stream each, as someone with write access to the store could. */
async function appendRaw(log: EventLog, envelopes: readonly Envelope[]): Promise<bigint[]> {
  const requests: AppendRequest[] = envelopes.map((e) => {
    const id = idOfEnvelope(e);
    return {
      stream: `${e.type === 'BatchSealed' ? 'seal' : 'cf'}-${id}`,
      expectedRevision: ExpectedRevision.noStream,
      events: [{ id, type: e.type, data: e as unknown as JsonValue }],
    };
  });
  const appended = await log.appendMany(requests);
  if (E.isLeft(appended)) throw new Error(`raw append failed: ${JSON.stringify(appended.left)}`);
  return appended.right.map((r) => r.position);
}

/** The store as read through the adapter, showing only the events at `positions`. */
function viewOf(log: EventLog, positions: ReadonlySet<bigint>): EventLog {
  return {
    ...log,
    readAll: async (options) =>
      E.map((events: readonly RecordedEvent[]) => (options?.after ? [] : events.filter((e) => positions.has(e.position))))(
        await log.readAll({ ...options, after: null, limit: undefined }),
      ),
  };
}

/** The same log, each event read through `change` (a write behind the ledger's back). */
function changedView(log: EventLog, change: (e: RecordedEvent) => RecordedEvent): EventLog {
  return {
    ...log,
    readAll: async (options) => E.map((events: readonly RecordedEvent[]) => events.map(change))(await log.readAll(options)),
  };
}

/** A head over the first `size` events of the log as it is (what `cairn tree-head` signs). */
async function headOver(log: EventLog, size: number): Promise<TrustedPrefix> {
  const all = await log.readAll({ limit: size });
  if (E.isLeft(all)) throw new Error('readAll failed');
  const leaves = new LeafHashes();
  for (const e of all.right) leaves.push(eventLeafHash(e)!);
  return { size, root: leaves.rootOf(size), source: 'a head taken over the clean store' };
}

async function allPositions(log: EventLog): Promise<bigint[]> {
  const all = await log.readAll();
  if (E.isLeft(all)) throw new Error('readAll failed');
  return all.right.map((e) => e.position);
}

/** A tampered sequence of envelopes, and which of them verify must name (its index in the sequence). */
type VerifyCase = readonly [
  what: string,
  make: (a: Envelope[], world: World, tag: string) => Envelope[],
  firstBad: number,
  check: string,
  rule: string | undefined,
];

const change = (e: Envelope, fields: Partial<Envelope>): Envelope => ({ ...e, ...fields }) as Envelope;

const verifyCases: readonly VerifyCase[] = [
  ['a CF dropped from the batch', (a) => [a[0]!, a[1]!, a[3]!], 2, 'seal', 'seal-member'],
  [
    'a CF dropped just before another event',
    (a, world, tag) => [
      ...a.slice(0, 3),
      JSON.parse(
        JSON.stringify(right(world.ledger.sign('LabelContributed', labels(world.sample, 1, `${tag} after`)[0]!.payload, world.alice))),
      ) as Envelope,
    ],
    0,
    'seal',
    'seal-complete',
  ],
  ['the last CF dropped with the end of the log', (a) => a.slice(0, 3), 0, 'seal', 'seal-complete'],
  ['two CFs swapped', (a) => [a[0]!, a[2]!, a[1]!, a[3]!], 1, 'seal', 'seal-member'],
  [
    'a CF naming a seal it is not under',
    (a) => [a[0]!, a[1]!, change(a[2]!, { seal: { id: 'e'.repeat(64), index: 1 } }), a[3]!],
    2,
    'seal',
    'seal-member',
  ],
  [
    'a CF changed (its id recomputed, so only the root gives it away)',
    (a) => [a[0]!, a[1]!, change(a[2]!, { payload: { ...a[2]!.payload, value: 42 } }), a[3]!],
    0,
    'seal',
    'seal-root',
  ],
  [
    'a CF added to the sealed batch',
    (a) => [...a, change(a[1]!, { payload: { ...a[1]!.payload, value: 99 }, seal: { id: a[1]!.seal!.id, index: 3 } })],
    4,
    'seal',
    'seal-member',
  ],
  [
    'a seal whose signature was made by no one',
    (a) => [change(a[0]!, { signature: 'ab'.repeat(64) }), ...a.slice(1)],
    0,
    'signature',
    undefined,
  ],
  // bob's key is revoked in the store's clean prefix: a seal of his after that seals nothing.
  ['a seal by a revoked key', (_a, world, tag) => sealed(world, world.bob, 3, tag), 0, 'signature', 'signer-key-current'],
];

/** A tampered batch made from two sealed batches of alice's (3 CFs each), and what the SDK must say. */
type AppendCase = readonly [
  what: string,
  tamper: (a: Envelope[], b: Envelope[], world: World) => Envelope[],
  rule: string,
  index: number,
  field: string | undefined,
];

const appendCases: readonly AppendCase[] = [
  [
    'a CF naming a seal it is not under',
    (a, b) => [a[0]!, a[1]!, change(a[2]!, { seal: { ...b[2]!.seal! } }), a[3]!],
    'seal-member',
    2,
    'LabelContributed.seal.id',
  ],
  [
    'a seal whose root does not match its CFs',
    (a, b) => [a[0]!, a[1]!, change(b[2]!, { seal: a[2]!.seal }), a[3]!],
    'seal-root',
    0,
    undefined,
  ],
  ['a CF missing from the batch', (a) => a.slice(0, 3), 'seal-complete', 0, undefined],
  ['a CF missing before another event', (a, b) => [...a.slice(0, 3), ...b], 'seal-complete', 0, undefined],
  ['a CF added to the batch', (a, b) => [...a, change(b[1]!, { seal: { id: a[1]!.seal!.id, index: 3 } })], 'seal-member', 4, undefined],
  ['a reordered batch', (a) => [a[0]!, a[2]!, a[1]!, a[3]!], 'seal-member', 1, 'LabelContributed.seal.index'],
  ['a CF without its seal', (a) => a.slice(1), 'seal-member', 0, undefined],
  [
    "a CF of bob's under alice's seal",
    (a, _b, world) => [a[0]!, a[1]!, change(a[2]!, { signer: world.bob.contributorId }), a[3]!],
    'seal-member',
    2,
    'LabelContributed.signer',
  ],
  [
    'a seal whose signature was made by no one',
    (a) => [change(a[0]!, { signature: 'ab'.repeat(64) }), ...a.slice(1)],
    'signature-valid',
    0,
    undefined,
  ],
];

/**
 * Registers the spec for one adapter. `open` gives a fresh, empty log of the adapter (called once);
 * the returned function closes what it opened.
 */
export function sealedTamperingOn(adapter: string, open: () => Promise<{ log: EventLog; close: () => Promise<void> }>): void {
  describe(`sealed batches on the ${adapter} log`, () => {
    let world: World;
    let close: () => Promise<void>;
    let clean: bigint[];
    /** Where the first verify case's bad event landed: the first bad event of the whole store. */
    let firstCaseBad: { position: string; eventId: string } | undefined;

    beforeAll(async () => {
      const opened = await open();
      close = opened.close;
      const ledger = ledgerOn(opened.log);
      const alice = await register(ledger, 'alice');
      const bob = await register(ledger, 'bob');
      const sample = right(
        await ledger.contribute.sample({ bytes: text('a sample'), mediaType: 'text/plain', license: 'MIT', source: 's' }, alice),
      );
      world = { log: opened.log, ledger, alice, bob, sample: sample.id };
      const late = sealed(world, bob, 2, 'revoked');
      right(await ledger.contributors.revokeKey(bob, { reason: 'compromised' }));
      // A clean sealed batch through the SDK, so the prefix holds one.
      right(await ingest(ledger, sealed(world, alice, 3, 'clean')));
      // Every tampered append the SDK refuses leaves the store as it was.
      const before = await logSize(ledger);
      expectViolation(await ingest(ledger, late), 'signer-key-current');
      expect(await logSize(ledger)).toBe(before);
      clean = await allPositions(opened.log);
    });
    afterAll(async () => {
      await world.ledger.close();
      await close();
    });

    it('given the clean store, then verify accepts it', async () => {
      const verified = await verifyLog(world.log);
      expect(verified.firstBad).toBeNull();
      expect(verified.events).toBe(clean.length);
    });

    describe('given a tampered batch handed to the SDK, then nothing reaches the store and the first bad item is named', () => {
      it.each(appendCases)('%s', async (what, tamper, rule, index, field) => {
        const a = sealed(world, world.alice, 3, `sdk a ${what}`);
        const b = sealed(world, world.alice, 3, `sdk b ${what}`);
        const before = await logSize(world.ledger);
        const result = await ingest(world.ledger, tamper(a, b, world));
        expectViolation(result, rule, field);
        expect(left(result)).toMatchObject({ index });
        expect(await logSize(world.ledger)).toBe(before);
      });
    });

    describe('given tampered events written to the store behind the ledger, then verify names the first bad event', () => {
      it.each(verifyCases)('%s', async (what, make, firstBad, check, rule) => {
        const events = make(sealed(world, world.alice, 3, `verify ${what}`), world, `verify ${what}`);
        const positions = await appendRaw(world.log, events);
        firstCaseBad ??= { position: positions[firstBad]!.toString(), eventId: idOfEnvelope(events[firstBad]!) };
        const verified = await verifyLog(viewOf(world.log, new Set([...clean, ...positions])));
        expect(verified.firstBad).toMatchObject({
          check,
          ...(rule ? { rule } : {}),
          position: positions[firstBad]!.toString(),
          eventId: idOfEnvelope(events[firstBad]!),
        });
      });

      it.each(verifyCases)(
        '%s: the same event is named when signatures are checked on the worker pool',
        async (what, make, firstBad, check, rule) => {
          const events = make(sealed(world, world.alice, 3, `pool ${what}`), world, `pool ${what}`);
          const positions = await appendRaw(world.log, events);
          const view = viewOf(world.log, new Set([...clean, ...positions]));
          const verified = await verifyLog(view, undefined, undefined, { workers: 2 });
          expect(verified.firstBad).toMatchObject({
            check,
            ...(rule ? { rule } : {}),
            position: positions[firstBad]!.toString(),
            eventId: idOfEnvelope(events[firstBad]!),
          });
          // The whole verdict is the one-thread verdict: counts, head and checkpoints too.
          expect(verified).toEqual(await verifyLog(view));
        },
      );

      it.each(verifyCases)(
        '%s after a trusted head over the clean store: named by the checks after it',
        async (what, make, firstBad, check, rule) => {
          const trusted = await headOver(world.log, clean.length);
          const events = make(sealed(world, world.alice, 3, `since ${what}`), world, `since ${what}`);
          const positions = await appendRaw(world.log, events);
          const verified = await verifyLog(viewOf(world.log, new Set([...clean, ...positions])), undefined, undefined, {
            trusted,
            workers: 1,
          });
          expect(verified.trusted).toMatchObject({ size: clean.length, ok: true });
          expect(verified.firstBad).toMatchObject({
            check,
            ...(rule ? { rule } : {}),
            position: positions[firstBad]!.toString(),
            eventId: idOfEnvelope(events[firstBad]!),
          });
        },
      );

      it('the whole store, every case in it, names the first case’s bad event', async () => {
        const verified = await verifyLog(world.log);
        expect(firstCaseBad).toBeDefined();
        expect(verified.firstBad).toMatchObject({ check: 'seal', rule: 'seal-member', ...firstCaseBad });
      });
    });

    describe('given a trusted head over the clean store, when an event before it is changed, then its root gives it away', () => {
      const cleanView = () => viewOf(world.log, new Set(clean));

      it('untouched, the events before the head are held to its root and the log verifies', async () => {
        const trusted = await headOver(cleanView(), clean.length - 1);
        const verified = await verifyLog(cleanView(), undefined, undefined, { trusted });
        expect(verified.firstBad).toBeNull();
        expect(verified.trusted).toEqual({ ...trusted, ok: true });
        expect(verified.events).toBe(clean.length);
      });

      it("a signature replaced (the id still matches its bytes, so only the head's root catches it)", async () => {
        const trusted = await headOver(cleanView(), clean.length);
        const target = clean[1]!;
        const forged = changedView(cleanView(), (e) => {
          if (e.position !== target) return e;
          const data = { ...(e.data as Record<string, unknown>), signature: 'cd'.repeat(64) };
          return { ...e, data, storedData: JSON.stringify(data) };
        });
        const verified = await verifyLog(forged, undefined, undefined, { trusted });
        expect(verified.firstBad).toMatchObject({ check: 'trusted', reason: expect.stringContaining('changed, dropped or reordered') });
        expect(verified.trusted).toMatchObject({ ok: false });
        // Without the head, the full check names the event itself.
        expect((await verifyLog(forged)).firstBad).toMatchObject({ check: 'signature', position: target.toString() });
      });

      it('an event dropped before the head', async () => {
        const trusted = await headOver(cleanView(), clean.length);
        const verified = await verifyLog(viewOf(world.log, new Set(clean.slice(1))), undefined, undefined, { trusted });
        expect(verified.firstBad).toMatchObject({ check: 'trusted' });
      });

      it('a signed field changed: its id no longer matches, and the event is named', async () => {
        const trusted = await headOver(cleanView(), clean.length);
        const target = clean[0]!;
        const forged = changedView(cleanView(), (e) => {
          if (e.position !== target) return e;
          const data = e.data as { payload: Record<string, unknown> };
          const changed = { ...data, payload: { ...data.payload, name: 'mallory' } };
          return { ...e, data: changed, storedData: JSON.stringify(changed) };
        });
        const verified = await verifyLog(forged, undefined, undefined, { trusted });
        expect(verified.firstBad).toMatchObject({ check: 'id', position: target.toString() });
      });
    });
  });
}
