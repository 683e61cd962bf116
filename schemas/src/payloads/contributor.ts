// Contributors and their keys. Validity of a key is by log position: a key signs from the event
// that registers or rotates it in, until the event that rotates it out or revokes it.
import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { ContributorId, PublicKeyHex } from '../primitives/hex.js';
import { NonEmptyString } from '../primitives/text.js';

/** Self-signed: the signer must be contributorIdOf(publicKey). Roles are not claimed here but granted. */
export const ContributorRegisteredPayload = closed('ContributorRegisteredPayload', {
  publicKey: PublicKeyHex,
  name: NonEmptyString,
});
export type ContributorRegisteredPayload = t.TypeOf<typeof ContributorRegisteredPayload>;

/** Signed by the key being replaced, so only its holder can move the identity to a new key. */
export const ContributorKeyRotatedPayload = closed('ContributorKeyRotatedPayload', {
  newPublicKey: PublicKeyHex,
});
export type ContributorKeyRotatedPayload = t.TypeOf<typeof ContributorKeyRotatedPayload>;

export const KeyRevocationReason = t.keyof({ compromised: null, retired: null, lost: null, other: null }, 'KeyRevocationReason');
export type KeyRevocationReason = t.TypeOf<typeof KeyRevocationReason>;

export const ContributorKeyRevokedPayload = closed(
  'ContributorKeyRevokedPayload',
  { publicKey: PublicKeyHex, reason: KeyRevocationReason },
  { note: NonEmptyString },
);
export type ContributorKeyRevokedPayload = t.TypeOf<typeof ContributorKeyRevokedPayload>;

export const ContributorRole = t.keyof({ curator: null, admin: null }, 'ContributorRole');
export type ContributorRole = t.TypeOf<typeof ContributorRole>;

/** Signed by an admin. */
export const ContributorRoleGrantedPayload = closed('ContributorRoleGrantedPayload', {
  contributor: ContributorId,
  role: ContributorRole,
});
export type ContributorRoleGrantedPayload = t.TypeOf<typeof ContributorRoleGrantedPayload>;

/** Signed by an admin; a grant without a way back would make every role permanent. */
export const ContributorRoleRevokedPayload = closed(
  'ContributorRoleRevokedPayload',
  { contributor: ContributorId, role: ContributorRole },
  { note: NonEmptyString },
);
export type ContributorRoleRevokedPayload = t.TypeOf<typeof ContributorRoleRevokedPayload>;
