// A statement signed outside the log (an attestation, a passport) names its signer, key and the
// log position it is about; with the ledger at hand, the key must have been the signer's there:
// registered by then, not yet rotated out or revoked. Validity is anchored to the log, never to a clock.
import * as E from 'fp-ts/lib/Either.js';
import type { Check } from '@cairn/core';
import type { LedgerError } from '../errors.js';
import type { Ledger } from '../ledger.js';
import { currentKey } from '../state/contributor-state.js';

const CHECK = "the signing key was the signer's registered key at that log position (store)";

/** Whether `publicKey` was `contributorId`'s key at `position` (a decimal string); every argument is untrusted input. */
export async function signingKeyCheck(
  contributors: Pick<Ledger['contributors'], 'get'>,
  contributorId: unknown,
  publicKey: unknown,
  position: unknown,
): Promise<Check> {
  const check = CHECK;
  if (typeof contributorId !== 'string' || typeof publicKey !== 'string' || typeof position !== 'string' || !/^\d+$/.test(position))
    return { check, ok: false, detail: 'the predicate names no signer, key or position' };
  const state = await contributors.get(contributorId);
  if (E.isLeft(state) || state.right === undefined)
    return { check, ok: false, detail: `signer ${contributorId} is not registered in this store` };
  const at = BigInt(position);
  const window = state.right.keys.find((k) => k.publicKey === publicKey);
  if (window === undefined) return { check, ok: false, detail: `key ${publicKey} was never registered to ${contributorId}` };
  if (BigInt(window.validFrom) > at)
    return {
      check,
      ok: false,
      detail: `key ${publicKey} became valid at position ${String(window.validFrom)}, after position ${position}`,
    };
  if (window.validUntil !== undefined && BigInt(window.validUntil) <= at)
    return {
      check,
      ok: false,
      detail: `key ${publicKey} was ${window.endedBy === 'revocation' ? 'revoked' : 'rotated out'} at position ${String(window.validUntil)}, not after position ${position}`,
    };
  return { check, ok: true };
}

/**
 * A statement is signed only with a key the ledger holds current for its signer now: the log
 * refuses events from a revoked or rotated-out key, and a statement must not be the way around
 * that. Right(undefined) when `publicKey` is current; Right(why) when it is not; Left when the
 * ledger cannot be read.
 */
export async function currentKeyRefusal(
  contributors: Pick<Ledger['contributors'], 'get'>,
  contributorId: string,
  publicKey: string,
): Promise<E.Either<LedgerError, string | undefined>> {
  const state = await contributors.get(contributorId);
  if (E.isLeft(state)) return state;
  const current = state.right === undefined ? undefined : currentKey(state.right);
  if (current === publicKey) return E.right(undefined);
  return E.right(
    state.right === undefined
      ? 'is not registered in the ledger'
      : current === undefined
        ? 'has no valid key (revoked)'
        : 'has rotated to another key',
  );
}
