// verifyLog: the log half of `cairn verify`, run over any EventLog. Given a ledger's events, the
// log verifies; when a stored event is changed behind the ledger's back, the first bad event is
// named with the check it fails.
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from '@jest/globals';
import { canonicalize, eventLeafHash, LeafHashes } from '@cairn/core';
import { createInMemoryEventLog, type EventLog, type RecordedEvent } from '@cairn/eventlog';
import { contributeSample, ledgerOn, register, right } from '../__tests__/given.js';
import { verifyLog } from './verify-log.js';

/** The same log, read through `change` (what an attacker with write access to the store could do). */
function tampered(log: EventLog, change: (e: RecordedEvent) => RecordedEvent): EventLog {
  return {
    ...log,
    readAll: async (options) => E.map((events: readonly RecordedEvent[]) => events.map(change))(await log.readAll(options)),
  };
}

/** Alice registers (position 1, the in-memory log's first) and contributes a sample (position 2). */
async function ledgerWithSample() {
  const log = createInMemoryEventLog();
  const ledger = ledgerOn(log);
  const alice = await register(ledger, 'alice');
  const sample = await contributeSample(ledger, alice);
  return { log, ledger, alice, sample };
}

async function appendCheckpoint(
  log: EventLog,
  ledger: ReturnType<typeof ledgerOn>,
  signer: Awaited<ReturnType<typeof register>>,
  root?: string,
) {
  const all = await log.readAll();
  if (E.isLeft(all)) throw new Error('readAll failed');
  const leaves = new LeafHashes();
  for (const e of all.right) leaves.push(eventLeafHash(e)!);
  const envelope = right(
    ledger.sign(
      'LogCheckpointed',
      { size: leaves.size, root: root ?? leaves.rootOf(leaves.size), timestamp: '2026-01-01T00:00:00.000Z' },
      signer,
    ),
  );
  right(await ledger.ingest([{ envelope }]));
  return leaves;
}

describe('verifyLog', () => {
  it("given a ledger's own events, then every event verifies and the head is the last position", async () => {
    const { log } = await ledgerWithSample();
    const progress: number[] = [];
    const v = await verifyLog(log, (n) => progress.push(n));
    expect(v).toEqual({ events: 2, head: '2', checkpoints: [], firstBad: null });
    expect(progress).toEqual([2]);
  });

  it('given a checkpoint over the log, then it is reported as matching the log as it is now', async () => {
    const { log, ledger, alice } = await ledgerWithSample();
    const leaves = await appendCheckpoint(log, ledger, alice);
    const v = await verifyLog(log);
    expect(v.firstBad).toBeNull();
    expect(v.checkpoints).toEqual([{ position: '3', size: 2, root: leaves.rootOf(2), ok: true }]);
  });

  it('given a checkpoint that signed another root, then verification stops at it naming the check', async () => {
    const { log, ledger, alice } = await ledgerWithSample();
    await appendCheckpoint(log, ledger, alice, 'f'.repeat(64));
    const v = await verifyLog(log);
    expect(v.firstBad).toMatchObject({
      position: '3',
      check: 'checkpoint',
      reason: expect.stringContaining('an earlier event was changed, dropped or reordered'),
    });
  });

  it("when an event's stored text is not the canonical JSON it was signed as, then it is the first bad event (canonical)", async () => {
    const { log, sample } = await ledgerWithSample();
    const v = await verifyLog(tampered(log, (e) => (e.id === sample.id ? { ...e, storedData: ` ${e.storedData}` } : e)));
    expect(v.firstBad).toMatchObject({ position: '2', eventId: sample.id, check: 'canonical' });
  });

  it('when a signed field is changed (and stored canonically), then the id no longer matches its signing bytes', async () => {
    const { log, sample } = await ledgerWithSample();
    const change = (e: RecordedEvent): RecordedEvent => {
      if (e.id !== sample.id) return e;
      const data = e.data as { payload: Record<string, unknown> };
      const changed = { ...data, payload: { ...data.payload, source: 'elsewhere' } };
      return { ...e, data: changed, storedData: E.getOrElse(() => '')(canonicalize(changed)) };
    };
    const v = await verifyLog(tampered(log, change));
    expect(v.firstBad).toMatchObject({ position: '2', check: 'id' });
    expect(v.events).toBe(1);
  });
  describe('under a trusted head (verify --since), where ids are recomputed from the stored text', () => {
    const trustedOver = (leaves: LeafHashes) => ({ size: leaves.size, root: leaves.rootOf(leaves.size), source: 'a head kept' });
    const changed =
      (id: string, change: (payload: Record<string, unknown>) => Record<string, unknown>) =>
      (e: RecordedEvent): RecordedEvent => {
        if (e.id !== id) return e;
        const data = e.data as { payload: Record<string, unknown> };
        const data2 = { ...data, payload: change(data.payload) };
        return { ...e, data: data2 as RecordedEvent['data'], storedData: E.getOrElse(() => '')(canonicalize(data2)) };
      };

    it('given the log as written, then the events under the head are held to its root', async () => {
      const { log, ledger, alice } = await ledgerWithSample();
      const leaves = await appendCheckpoint(log, ledger, alice);
      const v = await verifyLog(log, undefined, undefined, { trusted: trustedOver(leaves) });
      expect(v.firstBad).toBeNull();
      expect(v.trusted).toMatchObject({ size: 2, ok: true });
    });

    it('given a payload changed under the head (its id and signature kept), then the id check names the event', async () => {
      const { log, ledger, alice, sample } = await ledgerWithSample();
      const leaves = await appendCheckpoint(log, ledger, alice);
      const v = await verifyLog(
        tampered(
          log,
          changed(sample.id, (p) => ({ ...p, source: 'elsewhere' })),
        ),
        undefined,
        undefined,
        { trusted: trustedOver(leaves) },
      );
      expect(v.firstBad).toMatchObject({ position: '2', eventId: sample.id, check: 'id' });
    });

    it('given a stored text changed under the head while the reader hands the event as it was, then the id check names the event', async () => {
      // The stored text is what is judged, as the full check judges it.
      const { log, ledger, alice, sample } = await ledgerWithSample();
      const leaves = await appendCheckpoint(log, ledger, alice);
      const textOnly = (e: RecordedEvent): RecordedEvent =>
        e.id === sample.id ? { ...e, storedData: changed(sample.id, (p) => ({ ...p, source: 'elsewhere' }))(e).storedData } : e;
      const v = await verifyLog(tampered(log, textOnly), undefined, undefined, { trusted: trustedOver(leaves) });
      expect(v.firstBad).toMatchObject({ position: '2', eventId: sample.id, check: 'id' });
    });

    it('given an event under the head stored with other spacing, then its id is still recomputed (from the parsed event) and the head holds', async () => {
      const { log, ledger, alice, sample } = await ledgerWithSample();
      const leaves = await appendCheckpoint(log, ledger, alice);
      const respaced = (e: RecordedEvent): RecordedEvent =>
        e.id === sample.id ? { ...e, storedData: JSON.stringify(e.data, null, 1) } : e;
      const v = await verifyLog(tampered(log, respaced), undefined, undefined, { trusted: trustedOver(leaves) });
      expect(v.firstBad).toBeNull();
      expect(v.trusted).toMatchObject({ ok: true });
    });
  });
});
