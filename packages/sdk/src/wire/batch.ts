// The write over HTTP: a batch of events signed by their contributors (the envelope `sign`
// makes), the receipts the server answers, and the RFC 9457 problem it refuses with. One
// definition: the server decodes requests and describes its API with these, the remote ledger
// decodes the answers with them.
import * as t from 'io-ts';
import { EventId } from '@cairn/schemas';
import { Base64, Hex64, PositionText } from './pattern.js';

/** One signed event as `ledger.sign` makes it. */
export const SignedEnvelopeWire = t.exact(
  t.type({ type: t.string, payload: t.unknown, signer: Hex64, signature: t.string }),
  'SignedEnvelope',
);
/** A sample's bytes (and the salt of a personal-data commitment), base64. */
export const SampleBytes = t.exact(t.intersection([t.type({ bytes: Base64 }), t.partial({ salt: Base64 })]), 'SampleBytes');
/** A CF of a sealed batch (`ledger.seal`): its seal and index in place of a signature; the seal comes first in the batch. */
export const SealedEnvelopeWire = t.exact(
  t.type({ type: t.string, payload: t.unknown, signer: Hex64, seal: t.exact(t.type({ id: Hex64, index: t.number })) }),
  'SealedEnvelope',
);
export const BatchItem = t.exact(
  t.intersection([t.type({ envelope: t.union([SignedEnvelopeWire, SealedEnvelopeWire]) }), t.partial({ sample: SampleBytes })]),
  'BatchItem',
);
export const EventBatch = t.exact(t.type({ events: t.array(BatchItem) }), 'EventBatch');
export type EventBatch = t.TypeOf<typeof EventBatch>;

export const ReceiptWire = t.type(
  { id: EventId, type: t.string, stream: t.string, position: PositionText, alreadyAppended: t.boolean },
  'Receipt',
);
export const BatchAccepted = t.type({ receipts: t.array(ReceiptWire), head: t.union([PositionText, t.null]) }, 'BatchAccepted');
export type BatchAccepted = t.TypeOf<typeof BatchAccepted>;

// A refusal's problem document: the one codec in @cairn/schemas, named here with the wire it answers.
export { FieldProblem, ProblemDocument, problemType } from '@cairn/schemas';
