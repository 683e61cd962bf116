// Statements Cairn signs outside the log (attestations, passports) are signed only with a key the
// ledger holds current for its contributor now: the log refuses events from a revoked or
// rotated-out key, and a statement must not be the way around that. (Verifying with a store then
// checks the key against the position the statement is about.)
import * as E from 'fp-ts/lib/Either.js';
import { currentKey } from '@cairn/sdk';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import type { Session } from '../session.js';

export async function currentSigner(session: Session, name: string) {
  const entry = orFail(await session.keyring.get(name), (e) => e.message);
  const signer = orFail(await session.keyring.signer(name), (e) => e.message);
  const state = await session.ledger.contributors.get(entry.contributorId);
  if (E.isLeft(state)) fail(ExitCode.unavailable, messageOf(state.left));
  const current = state.right === undefined ? undefined : currentKey(state.right);
  if (current !== entry.publicKey) {
    const why = state.right === undefined ? 'is not registered in the ledger' : current === undefined ? 'has no valid key (revoked)' : 'has rotated to another key';
    fail(ExitCode.rejected, `[signer-key-current] --as: signer ${JSON.stringify(name)} (${entry.contributorId}) ${why}; a statement signed with key ${entry.publicKey} would not stand`);
  }
  return { entry, signer };
}
