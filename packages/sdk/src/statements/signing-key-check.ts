// A statement signed outside the log (an attestation, a passport) names its signer, key and the
// log position it is about; with the ledger at hand, the key must have been the signer's there:
// registered by then, not yet rotated out or revoked. Validity is anchored to the log, never to a clock.
import * as E from 'fp-ts/lib/Either.js';
import type { Check } from '@cairn/core';
import type { Ledger } from '../ledger.js';

const CHECK = 'the signing key was the signer\'s registered key at that log position (store)';

/** Whether `publicKey` was `contributorId`'s key at `position` (a decimal string); every argument is untrusted input. */
export async function signingKeyCheck(contributors: Pick<Ledger['contributors'], 'get'>, contributorId: unknown, publicKey: unknown, position: unknown): Promise<Check> {
  const check = CHECK;
  if (typeof contributorId !== 'string' || typeof publicKey !== 'string' || typeof position !== 'string' || !/^\d+$/.test(position)) return { check, ok: false, detail: 'the predicate names no signer, key or position' };
  const state = await contributors.get(contributorId);
  if (E.isLeft(state) || state.right === undefined) return { check, ok: false, detail: `signer ${contributorId} is not registered in this store` };
  const at = BigInt(position);
  const window = state.right.keys.find((k) => k.publicKey === publicKey);
  if (window === undefined) return { check, ok: false, detail: `key ${publicKey} was never registered to ${contributorId}` };
  if (BigInt(window.validFrom) > at) return { check, ok: false, detail: `key ${publicKey} became valid at position ${String(window.validFrom)}, after position ${position}` };
  if (window.validUntil !== undefined && BigInt(window.validUntil) <= at)
    return { check, ok: false, detail: `key ${publicKey} was ${window.endedBy === 'revocation' ? 'revoked' : 'rotated out'} at position ${String(window.validUntil)}, not after position ${position}` };
  return { check, ok: true };
}
