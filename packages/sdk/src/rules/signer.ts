// Rule: every event carries a signature by the key its signer holds at the event's log
// position. Registration is self-signed (the contributor id is derived from the key it
// registers); everything else is signed by the signer's current key, so a rotated-out or revoked
// key signs nothing new, while events it signed before stay valid (validity is by position).
import * as E from 'fp-ts/lib/Either.js';
import type { CairnEvent } from '@cairn/schemas';
import { contributorIdOf } from '@cairn/core';
import { ruleViolation, type RuleViolation } from '../errors.js';
import { currentKey } from '../state/contributor-state.js';
import type { BatchView } from './view.js';

/** The public key (hex) the event's signature must verify against. */
export function signingKeyFor(event: CairnEvent, view: BatchView, index?: number): E.Either<RuleViolation, string> {
  const signerField = `${event.type}.signer`;
  if (event.type === 'ContributorRegistered') {
    const derivedId = contributorIdOf(Uint8Array.from(Buffer.from(event.payload.publicKey, 'hex')));
    const derived = E.isRight(derivedId) ? derivedId.right : '(none: not a 32-byte key)';
    if (derived !== event.signer)
      return E.left(
        ruleViolation(
          'registration-self-signed',
          signerField,
          `a registration is signed by the contributor it registers: expected ${derived} (derived from payload.publicKey), got ${event.signer}`,
          index,
        ),
      );
    if (view.contributor(event.signer))
      return E.left(ruleViolation('contributor-new', signerField, `contributor ${event.signer} is already registered`, index));
    return E.right(event.payload.publicKey);
  }
  const contributor = view.contributor(event.signer);
  if (!contributor)
    return E.left(ruleViolation('signer-registered', signerField, `contributor ${event.signer} is not registered in the log`, index));
  const key = currentKey(contributor);
  if (key === undefined) {
    const last = contributor.keys[contributor.keys.length - 1];
    return E.left(
      ruleViolation(
        'signer-key-current',
        signerField,
        `contributor ${event.signer} has no valid key: key ${last?.publicKey ?? '?'} was revoked at log position ${String(last?.validUntil)}`,
        index,
      ),
    );
  }
  return E.right(key);
}
