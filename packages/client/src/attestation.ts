// The in-toto statement that attests a dataset version, built once from the store's facts: `cairn
// attest` signs it (adding who attests), and the server shows it unsigned, as it holds no key.
import type { Subject, VersionPredicate } from '@cairn/core';
import type { AttestFacts } from './reads.js';

/** A version predicate before its signer is named. */
export type UnsignedVersionPredicate = Omit<VersionPredicate, 'attestedBy'>;

/** The subjects (the version id and its Merkle root) and the predicate of a version's attestation. */
export function versionAttestationOf(facts: AttestFacts): { readonly subject: Subject[]; readonly predicate: UnsignedVersionPredicate } {
  const { ref: v, version, erasedMembers } = facts;
  return {
    subject: [
      { name: `${v.dataset}@${v.versionId}`, digest: { sha256: v.versionId } },
      { name: `${v.dataset}@${v.versionId}#merkle-root`, digest: { sha256: version.merkleRoot } },
    ],
    predicate: {
      dataset: v.dataset,
      ordinal: v.ordinal,
      versionId: v.versionId,
      manifestId: version.manifestId,
      merkleRoot: version.merkleRoot,
      memberCount: version.memberCount,
      position: version.position.toString(),
      erasedMembers: erasedMembers.map((e) => ({ cfId: e.cfId, eventId: e.eventId, position: e.position.toString() })),
    },
  };
}
