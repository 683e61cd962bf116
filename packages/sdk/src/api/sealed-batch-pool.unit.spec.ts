// contribute.batch with the ingest pool (decoding, ids and sample sealing on worker threads) is
// the same as without it: given the same inputs and signer, the same receipts, the same log
// bytes, samples that open to their bytes, and for a refused batch the same error (field,
// reason, index) with nothing appended.
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from '@jest/globals';
import { generateSigningKey } from '@cairn/core';
import { createInMemoryEventLog } from '@cairn/eventlog';
import { ledgerOn, right, textSamples as samples } from '../__tests__/given.js';
import type { Ledger } from '../ledger.js';
import type { ContributionInput } from './contributions.js';
import { createPreparePool, type PreparePool } from '../ingest/prepare-pool.js';
import { contributeBatch, type BatchOptions } from './sealed-batch.js';
import type { IngestContext } from '../ingest/ingest-batch.js';
import { createLedgerState } from '../state/ledger-state.js';
import { createMemoryBlobStore } from '../blob-store/memory.js';
import { createMemoryKeyStore } from '../key-store/memory.js';
import { DEFAULT_LIMITS } from '../limits.js';

const secretKey = generateSigningKey();
const opened: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(opened.map((l) => l.close())));

/**
 * A ledger with the same registered contributor, and its contribute.batch: in line, or through
 * contributeBatch with an ingest pool that counts the batches it took.
 */
async function ledgerWith(workers: number) {
  const log = createInMemoryEventLog();
  const blobs = createMemoryBlobStore();
  const keys = createMemoryKeyStore();
  const ledger = ledgerOn(log, { blobs, keys });
  opened.push(ledger);
  const signer = right(await ledger.contributors.register(secretKey, { name: 'importer' }));
  const pool = workers > 0 ? createPreparePool({ size: workers }) : undefined;
  const taken = { batches: 0 };
  if (pool) opened.push(pool);
  const preparePool: PreparePool | undefined = pool && {
    size: pool.size,
    close: () => pool.close(),
    prepare: (rows, signerId) => {
      const done = pool.prepare(rows, signerId);
      if (done) taken.batches += 1;
      return done;
    },
  };
  const ctx: IngestContext = {
    log,
    blobs,
    keys,
    state: createLedgerState(log),
    pool: undefined,
    limits: DEFAULT_LIMITS,
    ...(preparePool ? { preparePool } : {}),
  };
  const batch = (inputs: readonly ContributionInput[], options?: BatchOptions) =>
    preparePool ? contributeBatch(ctx, inputs, signer, options) : ledger.contribute.batch(inputs, signer, options);
  return { ledger, batch, taken };
}

/** Every event as the log holds it: position, stream, id, type and stored canonical text. */
async function logBytes(ledger: Ledger): Promise<string[]> {
  const all = right(await ledger.log.readAll());
  return all.map((e) => `${e.position} ${e.stream} ${e.id} ${e.type} ${e.storedData}`);
}

const withoutBigints = (value: unknown) => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

describe('contribute.batch on the ingest pool', () => {
  it('is available where sodium-native loads (else every batch is prepared in line)', () => {
    const pool = createPreparePool({ size: 1 });
    expect(pool).toBeDefined();
    return pool?.close();
  });

  it('given the same inputs, when contributed with and without the pool, then the receipts and the log bytes are identical and every sample opens', async () => {
    const inline = await ledgerWith(0);
    const pooled = await ledgerWith(2);
    // 700 rows in seals of 300: two full seals and one of 100; then a batch that repeats 50 of them.
    const inputs = samples(700);
    const options = { sealSize: 300 };
    const a = right(await inline.batch(inputs, options));
    const b = right(await pooled.batch(inputs, options));
    expect(withoutBigints(b)).toEqual(withoutBigints(a));
    const again = [...samples(50, 650), ...samples(200, 700)];
    const a2 = right(await inline.batch(again, options));
    const b2 = right(await pooled.batch(again, options));
    expect(withoutBigints(b2)).toEqual(withoutBigints(a2));
    expect(b2.filter((r) => r.alreadyAppended)).toHaveLength(50);
    expect(pooled.taken.batches).toBe(2);

    expect(await logBytes(pooled.ledger)).toEqual(await logBytes(inline.ledger));
    for (const [i, receipt] of [...b, ...b2.slice(50)].entries()) {
      const bytes = right(await pooled.ledger.samples.read(receipt.id));
      expect(new TextDecoder().decode(bytes)).toBe(`row ${i}: a line of training text`);
    }
  });

  it('given a batch with a refused row, then both name the same first refusal (field, reason, index) and append nothing', async () => {
    const cases: [string, (inputs: ContributionInput[]) => void][] = [
      ['a license that is not SPDX', (inputs) => void Object.assign(inputs[301]!, { license: 'not a licence!' })],
      ['a value with no canonical JSON form', (inputs) => void Object.assign(inputs[250]!, { attributes: { x: Number.NaN } })],
      [
        'two refusals: the first wins',
        (inputs) => {
          Object.assign(inputs[420]!, { source: '' });
          Object.assign(inputs[20]!, { mediaType: 'Text' });
        },
      ],
      [
        'a class instance the pool declines',
        (inputs) => void Object.assign(inputs[5]!, { attributes: { when: new Date(0), x: Number.NaN } }),
      ],
    ];
    for (const [name, spoil] of cases) {
      const inline = await ledgerWith(0);
      const pooled = await ledgerWith(2);
      const inputs = samples(500);
      spoil(inputs);
      const a = await inline.batch(inputs);
      const b = await pooled.batch(inputs);
      expect({ name, refused: E.isLeft(b) }).toEqual({ name, refused: true });
      expect(withoutBigints(b)).toEqual(withoutBigints(a));
      expect(await logBytes(pooled.ledger)).toEqual(await logBytes(inline.ledger));
      expect({ name, onPool: pooled.taken.batches }).toEqual({ name, onPool: name.includes('declines') ? 0 : 1 });
    }
  });

  it('given a row that makes preparing throw after a refused row, then the refusal is answered, as in line', async () => {
    const pooled = await ledgerWith(2);
    const inputs = samples(300);
    Object.assign(inputs[10]!, { license: '' });
    Object.assign(inputs[200]!, { bytes: 'not bytes' });
    const refused = await pooled.batch(inputs);
    expect(E.isLeft(refused) && refused.left).toMatchObject({ _tag: 'DecodeFailure', index: 10 });
    Object.assign(inputs[10]!, { license: 'MIT' });
    await expect(pooled.batch(inputs)).rejects.toThrow('sample.bytes must be a Uint8Array');
  });
});
