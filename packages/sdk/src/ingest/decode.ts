// Step 1 of every append: decode the envelope with its schema codec and derive its id and the
// bytes its signature covers. Nothing the codec refuses goes further.
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, formatDecodeFailure, type CairnEvent, type DecodeFailure } from '@cairn/schemas';
import type { DecodeFailureAt } from '../errors.js';
import { idOf } from '../signing.js';

export interface DecodedItem {
  readonly event: CairnEvent;
  readonly eventId: string;
  readonly signingBytes: Uint8Array;
}

export function decodeFailureAt(failure: DecodeFailure, index?: number): DecodeFailureAt {
  return { ...failure, message: formatDecodeFailure(failure), ...(index === undefined ? {} : { index }) };
}

export function decodeItem(envelope: unknown, index?: number): E.Either<DecodeFailureAt, DecodedItem> {
  const decoded = decodeEvent(envelope);
  if (E.isLeft(decoded)) return E.left(decodeFailureAt(decoded.left, index));
  const event = decoded.right;
  const id = idOf(event.type, event.payload, event.signer);
  if (E.isLeft(id)) return E.left(index === undefined ? id.left : { ...id.left, index });
  return E.right({ event, eventId: id.right.eventId, signingBytes: id.right.signingBytes });
}
