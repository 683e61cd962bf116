// Rules for the events that change a contributor: a rotation brings in a key never used before
// (it is signed by the old key, which signingKeyFor enforces); a revocation names one of the
// signer's own keys not already revoked; roles are granted and revoked by an admin, and the very
// first admin by the ledger's founder (the first contributor registered in the log), since roles
// are events too and someone has to sign the first one.
import type { CairnEvent } from '@cairn/schemas';
import { ruleViolation, type RuleViolation } from '../errors.js';
import type { BatchView } from './view.js';

export function checkContributorRules(event: CairnEvent, view: BatchView, index?: number): RuleViolation | undefined {
  const field = (name: string) => `${event.type}.payload.${name}`;
  switch (event.type) {
    case 'ContributorKeyRotated': {
      const keys = view.contributor(event.signer)?.keys ?? [];
      if (keys.some((k) => k.publicKey === event.payload.newPublicKey))
        return ruleViolation('key-fresh', field('newPublicKey'), 'this key was already used by the contributor; rotate to a fresh key', index);
      return undefined;
    }
    case 'ContributorKeyRevoked': {
      const key = view.contributor(event.signer)?.keys.find((k) => k.publicKey === event.payload.publicKey);
      if (!key) return ruleViolation('revocation-authority', field('publicKey'), `key ${event.payload.publicKey} is not a key of contributor ${event.signer}`, index);
      if (key.endedBy === 'revocation') return ruleViolation('revocation-authority', field('publicKey'), `key ${event.payload.publicKey} is already revoked`, index);
      return undefined;
    }
    case 'ContributorRoleGranted':
    case 'ContributorRoleRevoked': {
      if (!view.contributor(event.payload.contributor))
        return ruleViolation('reference-exists', field('contributor'), `contributor ${event.payload.contributor} is not registered in the log`, index);
      const signer = view.contributor(event.signer);
      if (signer?.roles.has('admin') || view.founder === event.signer) return undefined;
      return ruleViolation('role-grant-authority', `${event.type}.signer`, `roles are granted and revoked by an admin (or the ledger's founder); ${event.signer} is neither`, index);
    }
    default:
      return undefined;
  }
}
