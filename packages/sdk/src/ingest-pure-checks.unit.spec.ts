// Bulk ingest judges the rules that need nothing but the item (size limits, sample bytes) and
// seals sample bytes ahead, while the previous batch is being appended. Given batches where an
// earlier item breaks a rule that needs the log and a later one a rule judged ahead, then the
// earlier item is the one named, as when every rule is judged in turn; and the bytes sealed
// ahead for a refused batch are never stored.
import { describe, expect, it } from '@jest/globals';
import { createMemoryBlobStore } from './blob-store/memory.js';
import { createMemoryKeyStore } from './key-store/memory.js';
import { ledgerOn, left, logSize, register, right, signedSamples, text } from './__tests__/given.js';

describe('rules judged ahead of the append', () => {
  it('given a dangling reference before bad sample bytes, then the reference is named; the other way round, the bytes', async () => {
    const blobs = createMemoryBlobStore();
    const ledger = ledgerOn(undefined, { blobs, keys: createMemoryKeyStore() });
    const alice = await register(ledger, 'alice');
    const dangling = { envelope: right(ledger.sign('LabelContributed', { targets: ['f'.repeat(64)], labelType: 't', value: 1 }, alice)) };
    const [good, bad] = signedSamples(ledger, alice, 'ahead', 0, 2);
    const badBytes = { ...bad!, sample: { bytes: text('not the committed bytes') } };
    const before = await logSize(ledger);

    expect(left(await ledger.ingest([good!, dangling, badBytes]))).toMatchObject({ rule: 'reference-exists', index: 1 });
    expect(left(await ledger.ingest([good!, badBytes, dangling]))).toMatchObject({ rule: 'sample-bytes', index: 1 });
    // Pipelined: the second batch was prepared (its bytes sealed) while the first was appended.
    const error = left(await ledger.ingestBatches([[good!], [dangling, badBytes]]));
    expect(error).toMatchObject({ rule: 'reference-exists', index: 0, batch: 1 });

    // Only the first pipelined batch went in; nothing sealed for the refused ones was kept.
    expect(await logSize(ledger)).toBe(before + 1);
    expect(blobs.addresses()).toHaveLength(1);
    await ledger.close();
  });
});
