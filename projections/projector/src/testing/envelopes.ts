// Well-formed envelopes for projection tests. Projections trust the log (signatures are the SDK's
// and `cairn verify`'s job), so these carry a syntactically valid but unchecked signature, and an
// id derived the way real ids are (SHA-256 of the domain-separated canonical signing bytes).
import { createHash } from 'node:crypto';
import { canonicalize } from '@cairn/core';
import type { JsonValue, NewEvent } from '@cairn/eventlog';

/** A contributor id for tests: SHA-256 of a label (stands in for the key-derived id). */
export function testContributorId(label: string): string {
  return createHash('sha256').update(`cairn/v1/contributor\n${label}`).digest('hex');
}

export const UNCHECKED_SIGNATURE = '0'.repeat(128);

export interface TestEnvelope {
  readonly type: string;
  readonly payload: { readonly [key: string]: JsonValue };
  readonly signer: string;
}

/** The log event for an envelope: id = hex SHA-256("cairn/v1/" + type + "\n" ++ JCS({payload, signer})). */
export function envelopeEvent(envelope: TestEnvelope): NewEvent {
  const body = canonicalize({ payload: envelope.payload, signer: envelope.signer });
  if (body._tag === 'Left') throw new Error(`envelopeEvent: ${envelope.type}${body.left.path.slice(1)}: ${body.left.reason}`);
  const id = createHash('sha256').update(`cairn/v1/${envelope.type}\n`).update(body.right).digest('hex');
  return {
    id,
    type: envelope.type,
    data: { type: envelope.type, payload: envelope.payload, signer: envelope.signer, signature: UNCHECKED_SIGNATURE },
  };
}
