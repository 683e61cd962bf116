// Statements Cairn signs outside the log (attestations, passports) are signed only with a key the
// ledger holds current for its contributor now (the SDK's currentKeyRefusal says why not).
// Verifying with a store then checks the key against the position the statement is about.
import * as E from 'fp-ts/lib/Either.js';
import { currentKeyRefusal } from '@cairn/sdk';
import { ExitCode } from '../exit-codes.js';
import { fail, messageOf, orFail } from '../fail.js';
import type { Session } from '../session.js';

export async function currentSigner(session: Session, name: string) {
  const entry = orFail(await session.keyring.get(name), (e) => e.message);
  const signer = orFail(await session.keyring.signer(name), (e) => e.message);
  const refusal = await currentKeyRefusal(session.ledger.contributors, entry.contributorId, entry.publicKey);
  if (E.isLeft(refusal)) fail(ExitCode.unavailable, messageOf(refusal.left));
  const why = refusal.right;
  if (why !== undefined)
    fail(
      ExitCode.rejected,
      `[signer-key-current] --as: signer ${JSON.stringify(name)} (${entry.contributorId}) ${why}; a statement signed with key ${entry.publicKey} would not stand`,
    );
  return { entry, signer };
}
