// Contributors and their keys. Validity of a key is by log position: a key signs from the event
// that registers or rotates it in, until the event that rotates it out or revokes it.
import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { ContributorId, PublicKeyHex } from '../primitives/hex.js';
import { DatasetName, NonEmptyString } from '../primitives/text.js';
import { withRules, type RuleViolation } from '../combinators/rules.js';

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

/**
 * Ledger-wide roles, and one scoped to a dataset. A curator (an admin is one too) may amend,
 * supersede, deprecate and erase anyone's CF and defines manifests and datasets; an admin grants
 * and revokes roles; a reader may read any sample's bytes; a steward acts for data subjects and
 * may erase any sample; a maintainer of dataset D defines manifests and requests D's builds.
 */
export const ContributorRole = t.keyof({ curator: null, admin: null, reader: null, steward: null, maintainer: null }, 'ContributorRole');
export type ContributorRole = t.TypeOf<typeof ContributorRole>;

// A maintainer grant names its dataset, and only a maintainer grant names one: a dataset on a
// ledger-wide role would read as a scope the rules never apply.
const scopedToDataset = (p: { readonly role: ContributorRole; readonly dataset?: string }): RuleViolation[] =>
  p.role === 'maintainer' && p.dataset === undefined
    ? [{ path: ['dataset'], expected: 'the dataset the maintainer role is for (required when role is "maintainer")' }]
    : p.role !== 'maintainer' && p.dataset !== undefined
      ? [{ path: ['dataset'], expected: `no dataset (only the maintainer role is scoped to one; ${p.role} is ledger-wide)` }]
      : [];
const scopedToDatasetSchema = {
  if: { properties: { role: { const: 'maintainer' } }, required: ['role'] },
  then: { required: ['dataset'] },
  else: { not: { required: ['dataset'] } },
};

/** Signed by an admin. */
export const ContributorRoleGrantedPayload = withRules(
  closed('ContributorRoleGrantedPayload', { contributor: ContributorId, role: ContributorRole }, { dataset: DatasetName }),
  [scopedToDataset],
  scopedToDatasetSchema,
);
export type ContributorRoleGrantedPayload = t.TypeOf<typeof ContributorRoleGrantedPayload>;

/** Signed by an admin; a grant without a way back would make every role permanent. */
export const ContributorRoleRevokedPayload = withRules(
  closed(
    'ContributorRoleRevokedPayload',
    { contributor: ContributorId, role: ContributorRole },
    { dataset: DatasetName, note: NonEmptyString },
  ),
  [scopedToDataset],
  scopedToDatasetSchema,
);
export type ContributorRoleRevokedPayload = t.TypeOf<typeof ContributorRoleRevokedPayload>;
