// contribute.prepare / contribute.append: a bulk loader prepares its next batch while the current
// one is appended, and the log cannot tell. Given the same batches and signer, appending them
// pipelined gives the same receipts and log bytes as one contribute.batch per batch in turn, and
// a batch refused while the next was being prepared is refused as batch refuses it, with the
// batches before it appended and none after.
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from '@jest/globals';
import { generateSigningKey } from '@cairn/core';
import { ledgerOn, right, textSamples as samples } from '../__tests__/given.js';
import type { Ledger } from '../ledger.js';
import type { LedgerError } from '../errors.js';
import type { CfReceipt } from '../cf-receipt.js';
import type { ContributionInput } from './contributions.js';

const secretKey = generateSigningKey();
const opened: Ledger[] = [];
afterAll(() => Promise.all(opened.map((l) => l.close())));

async function ledgerWith(workers: number) {
  const ledger = ledgerOn(undefined, { workers });
  opened.push(ledger);
  const signer = right(await ledger.contributors.register(secretKey, { name: 'importer' }));
  return { ledger, signer };
}

/** Batches of 130 (enough to go to the ingest pool), the second repeating ten of the first. */
const batches = (): ContributionInput[][] => [samples(130, 0), [...samples(10, 120), ...samples(120, 130)], samples(130, 250)];

type Outcome = { receipts: CfReceipt[][]; refused?: LedgerError };

/** One contribute.batch per batch, each awaited before the next starts (what an import did). */
async function inTurn(ledger: Ledger, signer: Parameters<Ledger['contribute']['batch']>[1], all: ContributionInput[][]): Promise<Outcome> {
  const receipts: CfReceipt[][] = [];
  for (const inputs of all) {
    const r = await ledger.contribute.batch(inputs, signer, { sealSize: 64 });
    if (E.isLeft(r)) return { receipts, refused: r.left };
    receipts.push(r.right);
  }
  return { receipts };
}

/** Batches k+1 … k+ahead prepared while batch k is appended. */
async function pipelined(
  ledger: Ledger,
  signer: Parameters<Ledger['contribute']['batch']>[1],
  all: ContributionInput[][],
  ahead = 1,
): Promise<Outcome> {
  const receipts: CfReceipt[][] = [];
  const queue = [ledger.contribute.prepare(all[0]!, signer, { sealSize: 64 })];
  let prepared = 1;
  for (let k = 0; k < all.length; k++) {
    const appending = ledger.contribute.append(queue.shift()!);
    while (queue.length < ahead && prepared < all.length) queue.push(ledger.contribute.prepare(all[prepared++]!, signer, { sealSize: 64 }));
    const r = await appending;
    if (E.isLeft(r)) return { receipts, refused: r.left };
    receipts.push(r.right);
  }
  return { receipts };
}

async function logBytes(ledger: Ledger): Promise<string[]> {
  const all = right(await ledger.log.readAll());
  return all.map((e) => `${e.position} ${e.stream} ${e.id} ${e.type} ${e.storedData}`);
}

const plain = (value: unknown) => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

describe('contribute.prepare then contribute.append, the next batch prepared while one is appended', () => {
  it.each([
    ['on the ingest pool', 2],
    ['in line', 0],
  ])('given the same batches (%s), then the receipts and the log bytes equal those of contribute.batch in turn', async (_how, workers) => {
    const a = await ledgerWith(workers);
    const b = await ledgerWith(workers);
    const expected = await inTurn(a.ledger, a.signer, batches());
    const actual = await pipelined(b.ledger, b.signer, batches());
    expect(expected.refused).toBeUndefined();
    expect(plain(actual)).toEqual(plain(expected));
    expect(actual.receipts[1]!.filter((r) => r.alreadyAppended)).toHaveLength(10);
    expect(await logBytes(b.ledger)).toEqual(await logBytes(a.ledger));
  });

  it.each([
    ['on the ingest pool', 2],
    ['in line', 0],
  ])(
    'given a refused row in batch 2, prepared while batch 1 was appended (%s), then the same refusal (field, reason, index), batch 1 appended, nothing after',
    async (_how, workers) => {
      const withBadRow = () => {
        const all = batches();
        Object.assign(all[1]![57]!, { license: 'not a licence!' });
        return all;
      };
      const a = await ledgerWith(workers);
      const b = await ledgerWith(workers);
      const expected = await inTurn(a.ledger, a.signer, withBadRow());
      const actual = await pipelined(b.ledger, b.signer, withBadRow());
      expect(expected.refused).toMatchObject({ index: 57 });
      expect(plain(actual)).toEqual(plain(expected));
      expect(actual.receipts).toHaveLength(1);
      expect(await logBytes(b.ledger)).toEqual(await logBytes(a.ledger));
    },
  );

  it.each([
    ['on the ingest pool', 2],
    ['in line', 0],
  ])(
    'given batches 2 and 3 prepared before batch 1 is in, batch 3 repeating CFs of both (%s), then the receipts and log bytes equal those of contribute.batch in turn',
    async (_how, workers) => {
      // Built ahead, batch 3's seals would cover CFs that batches 1 and 2 append before it: it
      // must be sealed over only what is new when it is appended, as in turn.
      const repeating = () => {
        const all = batches();
        all[2] = [...samples(5, 0), ...samples(5, 200), ...samples(120, 250)];
        return all;
      };
      const a = await ledgerWith(workers);
      const b = await ledgerWith(workers);
      const expected = await inTurn(a.ledger, a.signer, repeating());
      const actual = await pipelined(b.ledger, b.signer, repeating(), 2);
      expect(expected.refused).toBeUndefined();
      expect(plain(actual)).toEqual(plain(expected));
      expect(actual.receipts[2]!.filter((r) => r.alreadyAppended)).toHaveLength(10);
      expect(await logBytes(b.ledger)).toEqual(await logBytes(a.ledger));
    },
  );

  it.each([
    ['on the ingest pool', 2],
    ['in line', 0],
  ])(
    'given a refused row in batch 2 with batch 3 prepared too (%s), then the same refusal, batch 1 appended, nothing after, and batch 3 is dropped quietly',
    async (_how, workers) => {
      const withBadRow = () => {
        const all = batches();
        Object.assign(all[1]![57]!, { license: 'not a licence!' });
        return all;
      };
      const a = await ledgerWith(workers);
      const b = await ledgerWith(workers);
      const expected = await inTurn(a.ledger, a.signer, withBadRow());
      const actual = await pipelined(b.ledger, b.signer, withBadRow(), 2);
      expect(expected.refused).toMatchObject({ index: 57 });
      expect(plain(actual)).toEqual(plain(expected));
      expect(actual.receipts).toHaveLength(1);
      expect(await logBytes(b.ledger)).toEqual(await logBytes(a.ledger));
    },
  );

  it('given a prepared batch, then it is appended once: a second append throws and appends nothing', async () => {
    const { ledger, signer } = await ledgerWith(0);
    const prepared = ledger.contribute.prepare(samples(3, 0), signer);
    expect(prepared.count).toBe(3);
    right(await ledger.contribute.append(prepared));
    const before = await logBytes(ledger);
    await expect(ledger.contribute.append(prepared)).rejects.toThrow('a prepared batch is appended once');
    expect(await logBytes(ledger)).toEqual(before);
  });
});
