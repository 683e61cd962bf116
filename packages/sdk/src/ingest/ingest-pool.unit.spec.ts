// ingestBatches with the ingest pool (each envelope decoded, hashed and its sample sealed on a
// worker thread) is the same as without it: given the same envelopes, the same receipts and log
// bytes, samples that open, and for a refused batch the same error and batch number.
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from '@jest/globals';
import { generateSigningKey } from '@cairn/core';
import { createInMemoryEventLog } from '@cairn/eventlog';
import { ledgerOn, right, signedSamples } from '../__tests__/given.js';
import { createLedgerState } from '../state/ledger-state.js';
import { createMemoryBlobStore } from '../blob-store/memory.js';
import { createMemoryKeyStore } from '../key-store/memory.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { createVerifyPool } from '../verify-pool.js';
import { createPreparePool, type PreparePool } from './prepare-pool.js';
import { ingestBatches, type IngestContext, type IngestItem } from './ingest-batch.js';
import type { Ledger } from '../ledger.js';
import { idOf } from '../signing.js';

const idOfEnvelope = (envelope: unknown): string => {
  const { type, payload, signer } = envelope as { type: string; payload: unknown; signer: string };
  return right(idOf(type, payload, signer)).eventId;
};

const secretKey = generateSigningKey();
const opened: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(opened.map((c) => c.close())));

/** A ledger with the same registered contributor, and ingestBatches on it with or without an ingest pool. */
async function ledgerWith(onPool: boolean) {
  const log = createInMemoryEventLog();
  const blobs = createMemoryBlobStore();
  const keys = createMemoryKeyStore();
  const ledger = ledgerOn(log, { blobs, keys });
  opened.push(ledger);
  const signer = right(await ledger.contributors.register(secretKey, { name: 'author' }));
  const verify = createVerifyPool({ size: 2 });
  opened.push(verify);
  const pool = onPool ? createPreparePool({ size: 2 }) : undefined;
  const taken = { batches: 0 };
  if (pool) opened.push(pool);
  const preparePool: PreparePool | undefined = pool && {
    size: pool.size,
    close: () => pool.close(),
    prepare: (rows, signerId) => pool.prepare(rows, signerId),
    prepareEnvelopes: (items) => {
      const done = pool.prepareEnvelopes(items);
      if (done) taken.batches += 1;
      return done;
    },
  };
  const ctx: IngestContext = {
    log,
    blobs,
    keys,
    state: createLedgerState(log),
    pool: verify,
    limits: DEFAULT_LIMITS,
    ...(preparePool ? { preparePool } : {}),
  };
  return { ledger, signer, taken, ingest: (batches: IngestItem[][]) => ingestBatches(ctx, batches) };
}

async function logBytes(ledger: Ledger): Promise<string[]> {
  const all = right(await ledger.log.readAll());
  return all.map((e) => `${e.position} ${e.stream} ${e.id} ${e.type} ${e.storedData}`);
}

const withoutBigints = (value: unknown) => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

/** Batches of signed samples and sealed labels on them, by the same author, as plain JSON. */
function workload(ledger: Ledger, signer: Parameters<Ledger['sign']>[2]): IngestItem[][] {
  return [0, 1, 2].map((b) => {
    const samples = signedSamples(ledger, signer, `batch ${b} sample`, 0, 200);
    const labels = right(
      ledger.seal(
        samples.slice(0, 150).map((s) => ({
          type: 'LabelContributed',
          payload: { targets: [idOfEnvelope(s.envelope)], labelType: 'topic', value: { b, tags: ['x', null, 1.5] } },
        })),
        signer,
      ),
    );
    return [
      ...samples.map((s) => ({ envelope: JSON.parse(JSON.stringify(s.envelope)) as unknown, sample: s.sample })),
      ...labels.map((envelope) => ({ envelope: JSON.parse(JSON.stringify(envelope)) as unknown })),
    ];
  });
}

describe('ingestBatches on the ingest pool', () => {
  it('given the same envelopes, when ingested with and without the pool, then the receipts and the log bytes are identical and every sample opens', async () => {
    const inline = await ledgerWith(false);
    const pooled = await ledgerWith(true);
    const batches = workload(inline.ledger, inline.signer);
    const a = right(await inline.ingest(batches));
    const b = right(await pooled.ingest(batches));
    expect(withoutBigints(b)).toEqual(withoutBigints(a));
    expect(pooled.taken.batches).toBe(3);
    expect(await logBytes(pooled.ledger)).toEqual(await logBytes(inline.ledger));
    for (const batch of batches)
      for (const item of batch.filter((i) => i.sample)) {
        const id = idOfEnvelope(item.envelope);
        expect(right(await pooled.ledger.samples.read(id))).toEqual(item.sample!.bytes);
      }
  });

  it('given a batch with an envelope the codec refuses or a bad signature, then both stop at the same batch with the same error', async () => {
    const spoilers: [string, (batch: IngestItem[]) => void][] = [
      ['an unknown field', (batch) => Object.assign(batch[170]!.envelope as object, { extra: 1 })],
      ['a payload past its codec', (batch) => Object.assign((batch[30]!.envelope as { payload: object }).payload, { license: '' })],
      ['a signature that does not verify', (batch) => Object.assign(batch[12]!.envelope as object, { signature: 'ab'.repeat(64) })],
      ['sample bytes that are not the committed ones', (batch) => Object.assign(batch[7]!, { sample: { bytes: new Uint8Array([1, 2]) } })],
    ];
    for (const [name, spoil] of spoilers) {
      const inline = await ledgerWith(false);
      const pooled = await ledgerWith(true);
      const batches = workload(inline.ledger, inline.signer);
      spoil(batches[1]!);
      const a = await inline.ingest(batches);
      const b = await pooled.ingest(batches);
      expect({ name, refused: E.isLeft(b) && b.left.batch }).toEqual({ name, refused: 1 });
      expect(withoutBigints(b)).toEqual(withoutBigints(a));
      expect(await logBytes(pooled.ledger)).toEqual(await logBytes(inline.ledger));
    }
  });
});
