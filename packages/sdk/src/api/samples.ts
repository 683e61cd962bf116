// Reading a sample back, and erasing it. A read decrypts with the sample's own data key, with
// the logged envelope as associated data, and checks the bytes against the logged commitment.
// Erasure appends SampleErased; the ingest path then shreds the key record (data key and
// commitment salt) and drops the ciphertext: the log still verifies, the bytes are gone.
import * as E from 'fp-ts/lib/Either.js';
import { timingSafeEqual } from 'node:crypto';
import type { LedgerError } from '../errors.js';
import type { IngestContext, Receipt } from '../ingest/ingest-batch.js';
import { idOf, type Signer } from '../signing.js';
import { commitSample, openSample } from '../sample-crypto.js';
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
  if (envelope.type !== 'SampleContributed') return E.left({ _tag: 'SampleNotFound', sampleId, reason: `${sampleId} is a ${envelope.type}, not a sample` });

  const history = await ctx.log.readStream(cfStream(sampleId));
  if (E.isLeft(history)) return history;
  const erasure = history.right.find((e) => (e.data as { type?: string }).type === 'SampleErased');
  if (erasure) return E.left({ _tag: 'ErasedSample', sampleId, erasureId: erasure.id });

  const key = await ctx.keys.get(sampleId);
  if (E.isLeft(key)) return key;
  // No key and no SampleErased: the erasure was interrupted after shredding. Still erased.
  if (!key.right) return E.left({ _tag: 'ErasedSample', sampleId });
  const blob = await ctx.blobs.get(sampleId);
  if (E.isLeft(blob)) return blob;
  if (!blob.right) return E.left({ _tag: 'SampleNotFound', sampleId, reason: 'its bytes are missing from the blob store' });

  const ids = idOf(envelope.type, envelope.payload, envelope.signer);
  if (E.isLeft(ids)) return ids;
  const opened = openSample(blob.right, key.right.dataKey, ids.right.signingBytes);
  if (E.isLeft(opened)) return E.left({ _tag: 'SampleNotFound', sampleId, reason: opened.left });
  const commitment = commitSample(opened.right, key.right.salt);
  if (commitment.scheme !== envelope.payload.commitment.scheme || !timingSafeEqual(Buffer.from(commitment.value, 'hex'), Buffer.from(envelope.payload.commitment.value, 'hex')))
    return E.left({ _tag: 'SampleNotFound', sampleId, reason: 'the stored bytes do not match the logged commitment' });
  return E.right(opened.right);
}

export async function eraseSample(ctx: IngestContext, sampleId: string, signer: Signer, reason: string): Promise<E.Either<LedgerError, Receipt>> {
  // The ingest path shreds the key and drops the ciphertext once SampleErased is in the log.
  return appendOne(ctx, 'SampleErased', { sample: sampleId, reason }, signer);
}
