// What every part of the ledger API shares: the ingest context, and one helper that turns a
// payload into a signed event (decoded first, so a bad field is reported before anything is
// signed) and appends it through the one ingest path.
import * as E from 'fp-ts/lib/Either.js';
import { decodePayload, type EventType, type PayloadOf } from '@cairn/schemas';
import type { LedgerError } from '../errors.js';
import { ingestBatch, type IngestContext, type IngestItem, type Receipt } from '../ingest/ingest-batch.js';
import { decodeFailureAt } from '../ingest/decode.js';
import { signEvent, type Signer, type SignedEnvelope } from '../signing.js';
import type { SampleAttachment } from '../rules/sample-bytes.js';

export type { IngestContext };

/** Decodes the payload, then signs it: a bad field is named before anything is signed. */
export function signPayload<TType extends EventType>(type: TType, payload: unknown, signer: Signer): E.Either<LedgerError, SignedEnvelope> {
  const decoded = decodePayload(type, payload);
  if (E.isLeft(decoded)) return E.left(decodeFailureAt(decoded.left));
  return E.map((s: { envelope: SignedEnvelope }) => s.envelope)(signEvent(type, decoded.right as PayloadOf<TType>, signer));
}

/** Signs one event and appends it; the receipt of that one event. */
export async function appendOne<TType extends EventType>(
  ctx: IngestContext,
  type: TType,
  payload: unknown,
  signer: Signer,
  sample?: SampleAttachment,
): Promise<E.Either<LedgerError, Receipt>> {
  const envelope = signPayload(type, payload, signer);
  if (E.isLeft(envelope)) return envelope;
  const item: IngestItem = sample ? { envelope: envelope.right, sample } : { envelope: envelope.right };
  const result = await ingestBatch(ctx, [item]);
  if (E.isLeft(result)) {
    const { index: _index, ...error } = result.left as LedgerError & { index?: number };
    return E.left(error as LedgerError);
  }
  return E.right(result.right[0]!);
}

/** Copies an object without its undefined fields (they have no canonical JSON form). */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
