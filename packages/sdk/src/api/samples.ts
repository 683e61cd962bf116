// Reading a sample back, and erasing it. A read decrypts with the sample's own data key, with
// the logged envelope as associated data, and checks the bytes against the logged commitment;
// where a sample was sealed more than once, only a key and ciphertext of one sealing pair up.
// Erasure appends SampleErased; the ingest path then shreds every copy of the key record (data
// key and commitment salt) and drops every ciphertext: the log still verifies, the bytes are gone.
import * as E from 'fp-ts/lib/Either.js';
import type { LedgerError } from '../errors.js';
import type { IngestContext, Receipt } from '../ingest/ingest-batch.js';
import { idOf, type Signer } from '../signing.js';
import type { SampleCommitment } from '../sample-crypto.js';
import { openPaired } from '../sample-open.js';
import { cfStream } from '../ingest/streams.js';
import { appendOne } from './context.js';

interface SampleEnvelope {
  readonly type: string;
  readonly signer: string;
  readonly payload: { readonly commitment: { readonly scheme: string; readonly value: string } };
}

export async function readSample(ctx: IngestContext, sampleId: string): Promise<E.Either<LedgerError, Uint8Array>> {
  const found = await ctx.log.readByIds([sampleId]);
  if (E.isLeft(found)) return found;
  const event = found.right[0];
  if (!event) return E.left({ _tag: 'SampleNotFound', sampleId, reason: 'no such event in the log' });
  const envelope = event.data as unknown as SampleEnvelope;
  if (envelope.type !== 'SampleContributed')
    return E.left({ _tag: 'SampleNotFound', sampleId, reason: `${sampleId} is a ${envelope.type}, not a sample` });

  const history = await ctx.log.readStream(cfStream(sampleId));
  if (E.isLeft(history)) return history;
  const erasure = history.right.find((e) => (e.data as { type?: string }).type === 'SampleErased');
  if (erasure) return E.left({ _tag: 'ErasedSample', sampleId, erasureId: erasure.id });

  const ids = idOf(envelope.type, envelope.payload, envelope.signer);
  if (E.isLeft(ids)) return ids;
  const commitment = envelope.payload.commitment as SampleCommitment;
  // A store answers first from what it has indexed; when no pair opens, ask again for copies
  // another process stored since (another sealing of the same sample).
  let failure: LedgerError | undefined;
  for (const refresh of [false, true]) {
    const keys = await ctx.keys.copies(sampleId, { refresh });
    if (E.isLeft(keys)) return keys;
    const blobs = await ctx.blobs.copies(sampleId, { refresh });
    if (E.isLeft(blobs)) return blobs;
    // No key and no SampleErased: the erasure was interrupted after shredding. Still erased.
    if (keys.right.length === 0) failure = { _tag: 'ErasedSample', sampleId };
    else if (blobs.right.length === 0) failure = { _tag: 'SampleNotFound', sampleId, reason: 'its bytes are missing from the blob store' };
    else {
      const opened = openPaired(keys.right, blobs.right, ids.right.signingBytes, commitment);
      if (E.isRight(opened)) return opened;
      failure = { _tag: 'SampleNotFound', sampleId, reason: opened.left.reason };
    }
  }
  return E.left(failure!);
}

export async function eraseSample(
  ctx: IngestContext,
  sampleId: string,
  signer: Signer,
  reason: string,
): Promise<E.Either<LedgerError, Receipt>> {
  // The ingest path shreds the key and drops the ciphertext once SampleErased is in the log.
  return appendOne(ctx, 'SampleErased', { sample: sampleId, reason }, signer);
}
