// Step 1 of every append: decode the envelope with its schema codec and derive its id and the
// bytes its signature covers. Nothing the codec refuses goes further.
import * as E from 'fp-ts/lib/Either.js';
import { eventCanonicalForms, type CanonicalJson, type SealedEnvelopeFields, type SignedEnvelopeFields } from '@cairn/core';
import { decodeEvent, formatDecodeFailure, type CairnEvent, type DecodeFailure, type EventId } from '@cairn/schemas';
import type { DecodeFailureAt } from '../errors.js';
import { eventIdOfSigningBytes, idOf } from '../signing.js';

export interface DecodedItem {
  readonly event: CairnEvent;
  readonly eventId: EventId;
  readonly signingBytes: Uint8Array;
  /** The envelope's canonical JSON, handed to the log with the event. */
  readonly canonical: CanonicalJson;
}

export function decodeFailureAt(failure: DecodeFailure, index?: number): DecodeFailureAt {
  return { ...failure, message: formatDecodeFailure(failure), ...(index === undefined ? {} : { index }) };
}

export function decodeItem(envelope: unknown, index?: number): E.Either<DecodeFailureAt, DecodedItem> {
  const decoded = decodeEvent(envelope);
  if (E.isLeft(decoded)) return E.left(decodeFailureAt(decoded.left, index));
  const event = decoded.right;
  // The payload is written once for both the signing bytes and the text the log stores.
  const forms = eventCanonicalForms(event as SignedEnvelopeFields | SealedEnvelopeFields);
  if (E.isLeft(forms)) {
    // A decoded envelope has exactly the four fields and a hex signature, so this fails exactly
    // when the signing bytes do; idOf words that refusal as a decode failure naming the field.
    const id = idOf(event.type, event.payload, event.signer);
    if (E.isRight(id)) throw new Error(`eventCanonicalForms refused what signingBytes accepts: ${JSON.stringify(forms.left)}`);
    return E.left(index === undefined ? id.left : { ...id.left, index });
  }
  return E.right({
    event,
    eventId: eventIdOfSigningBytes(forms.right.signingBytes),
    signingBytes: forms.right.signingBytes,
    canonical: forms.right.envelope,
  });
}
