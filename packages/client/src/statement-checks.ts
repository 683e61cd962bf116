// The store's half of `passport --verify` and `attest --verify`: what the log says of a signed
// statement (its key was the signer's at the position it names; its predicate is what the ledger
// holds). One answer for a local store and for a server, which runs it against its own facts.
import { openStatement, type Check, type PassportPredicateCore, type VersionPredicate } from '@cairn/core';
import { signingKeyCheck } from '@cairn/sdk';
import type { Cairn } from './cairn.js';

/** Which statement a file is: a model passport, or a dataset version's attestation. */
export type StatementKind = 'passport' | 'attestation';

export async function statementStoreChecks(
  cairn: Pick<Cairn, 'ledger' | 'passportCheck' | 'attestationCheck'>,
  kind: StatementKind,
  envelope: unknown,
): Promise<readonly Check[]> {
  if (kind === 'passport') {
    const p = openStatement<PassportPredicateCore>(envelope).statement.predicate ?? {};
    return [
      await signingKeyCheck(cairn.ledger.contributors, p.signedBy?.contributorId, p.signedBy?.publicKey, p.run?.position),
      await cairn.passportCheck(p),
    ];
  }
  const p = openStatement<VersionPredicate>(envelope).statement.predicate ?? {};
  return [
    await signingKeyCheck(cairn.ledger.contributors, p.attestedBy?.contributorId, p.attestedBy?.publicKey, p.position),
    await cairn.attestationCheck(p),
  ];
}
