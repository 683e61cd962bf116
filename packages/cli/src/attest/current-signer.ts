// Statements Cairn signs outside the log (attestations, passports) are signed only with a key the
// ledger holds current for its contributor now (the SDK's currentKeyRefusal says why not; over
// HTTP the server says it). Verifying with a store then checks the key against the position the
// statement is about.
import type { RunFacts } from '@cairn/client';
import { ExitCode } from '../exit-codes.js';
import { fail, orFail } from '../fail.js';
import type { Keyring } from '../keyring.js';

export async function currentSigner(session: { readonly keyring: Keyring; readonly facts: RunFacts }, name: string) {
  const entry = orFail(await session.keyring.get(name), (e) => e.message);
  const signer = orFail(await session.keyring.signer(name), (e) => e.message);
  const refusal = await session.facts.keyRefusal(entry.contributorId, entry.publicKey);
  if (refusal._tag === 'Left') fail(ExitCode.unavailable, refusal.left.message);
  const why = refusal.right;
  if (why !== undefined)
    fail(
      ExitCode.rejected,
      `[signer-key-current] --as: signer ${JSON.stringify(name)} (${entry.contributorId}) ${why}; a statement signed with key ${entry.publicKey} would not stand`,
    );
  return { entry, signer };
}
