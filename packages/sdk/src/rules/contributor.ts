// Rules for the events that change a contributor. A key that enters the ledger (by registration
// or rotation) is a canonical prime-order point that no contributor ever used before: a key
// shared by two identities would make one's signatures count as the other's. A registration
// takes a name no one holds. A rotation is signed by the old key (signingKeyFor enforces it); a
// revocation names one of the signer's own keys not already revoked; roles are granted and
// revoked by an admin, and the very first admin by the ledger's founder (the first contributor
// registered in the log), since roles are events too and someone has to sign the first one.
import type { CairnEvent } from '@cairn/schemas';
import { publicKeyRefusal } from '@cairn/core';
import { ruleViolation, type RuleViolation } from '../errors.js';
import { holds } from './roles.js';
import type { BatchView } from './view.js';

function checkNewKey(publicKey: string, field: string, signer: string, view: BatchView, index?: number): RuleViolation | undefined {
  const refusal = publicKeyRefusal(Uint8Array.from(Buffer.from(publicKey, 'hex')));
  if (refusal !== undefined) return ruleViolation('key-well-formed', field, `key ${publicKey} ${refusal}`, index);
  const owner = view.keyOwner(publicKey);
  if (owner === signer)
    return ruleViolation('key-fresh', field, 'this key was already used by the contributor; rotate to a fresh key', index);
  if (owner !== undefined)
    return ruleViolation('key-fresh', field, `this key was already used by contributor ${owner}; a key belongs to one identity`, index);
  return undefined;
}

export function checkContributorRules(event: CairnEvent, view: BatchView, index?: number): RuleViolation | undefined {
  const field = (name: string) => `${event.type}.payload.${name}`;
  switch (event.type) {
    case 'ContributorRegistered': {
      const taken = view.nameOwner(event.payload.name);
      if (taken !== undefined && taken !== event.signer)
        return ruleViolation(
          'name-unique',
          field('name'),
          `the name ${JSON.stringify(event.payload.name)} is already registered by contributor ${taken}`,
          index,
        );
      return checkNewKey(event.payload.publicKey, field('publicKey'), event.signer, view, index);
    }
    case 'ContributorKeyRotated': {
      const keys = view.contributor(event.signer)?.keys ?? [];
      if (keys.some((k) => k.publicKey === event.payload.newPublicKey))
        return ruleViolation(
          'key-fresh',
          field('newPublicKey'),
          'this key was already used by the contributor; rotate to a fresh key',
          index,
        );
      return checkNewKey(event.payload.newPublicKey, field('newPublicKey'), event.signer, view, index);
    }
    case 'ContributorKeyRevoked': {
      const key = view.contributor(event.signer)?.keys.find((k) => k.publicKey === event.payload.publicKey);
      if (!key)
        return ruleViolation(
          'revocation-authority',
          field('publicKey'),
          `key ${event.payload.publicKey} is not a key of contributor ${event.signer}`,
          index,
        );
      if (key.endedBy === 'revocation')
        return ruleViolation('revocation-authority', field('publicKey'), `key ${event.payload.publicKey} is already revoked`, index);
      return undefined;
    }
    case 'ContributorRoleGranted':
    case 'ContributorRoleRevoked': {
      if (!view.contributor(event.payload.contributor))
        return ruleViolation(
          'reference-exists',
          field('contributor'),
          `contributor ${event.payload.contributor} is not registered in the log`,
          index,
        );
      if (holds(view, event.signer, 'admin')) return undefined;
      return ruleViolation(
        'role-grant-authority',
        `${event.type}.signer`,
        `roles are granted and revoked by an admin (or the ledger's founder); ${event.signer} is neither`,
        index,
      );
    }
    default:
      return undefined;
  }
}
