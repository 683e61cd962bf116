// Ids, hashes, keys and signatures: lowercase hex only, so one value has one spelling and
// string equality is id equality (see the event envelope: "hex is lowercase everywhere").
import * as t from 'io-ts';
import { isHexOfLength } from '@cairn/core';
import { described } from '../describe.js';

function hexSchema(length: 64 | 128, description: string) {
  return { type: 'string', pattern: `^[0-9a-f]{${length}}$`, description };
}

export interface Sha256HexBrand {
  readonly Sha256Hex: unique symbol;
}
/** A SHA-256 digest as 64 lowercase hex characters. */
export const Sha256Hex = described(
  t.brand(t.string, (s): s is t.Branded<string, Sha256HexBrand> => isHexOfLength(s, 32), 'Sha256Hex'),
  {
    expected: 'a SHA-256 digest (64 lowercase hex)',
    jsonSchema: hexSchema(64, 'A SHA-256 digest, 64 lowercase hex characters.'),
    define: true,
  },
);
export type Sha256Hex = t.TypeOf<typeof Sha256Hex>;

export interface EventIdBrand {
  readonly EventId: unique symbol;
}
/** The id of a log event: SHA-256 of its signing bytes (the signature is never part of it). */
export const EventId = described(
  t.brand(Sha256Hex, (_s): _s is t.Branded<Sha256Hex, EventIdBrand> => true, 'EventId'),
  {
    expected: 'an EventId (64 lowercase hex)',
    jsonSchema: hexSchema(64, 'An event id: lowercase hex SHA-256 of the event signing bytes.'),
    define: true,
  },
);
export type EventId = t.TypeOf<typeof EventId>;

export interface CfIdBrand {
  readonly CfId: unique symbol;
}
/** A Contribution Fingerprint id. A CF's id IS its event id, so a CfId is also an EventId. */
export const CfId = described(
  t.brand(EventId, (_s): _s is t.Branded<EventId, CfIdBrand> => true, 'CfId'),
  {
    expected: 'a CfId (64 lowercase hex)',
    jsonSchema: hexSchema(
      64,
      'A Contribution Fingerprint id: the event id of a SampleContributed, LabelContributed or ValidationContributed event.',
    ),
    define: true,
  },
);
export type CfId = t.TypeOf<typeof CfId>;

export interface VersionIdBrand {
  readonly VersionId: unique symbol;
}
/**
 * A dataset version id: the content id of its manifest hash and Merkle root (assembly's
 * datasetVersionId), so one set of members under one manifest has one id.
 */
export const VersionId = described(
  t.brand(Sha256Hex, (_s): _s is t.Branded<Sha256Hex, VersionIdBrand> => true, 'VersionId'),
  {
    expected: 'a VersionId (64 lowercase hex)',
    jsonSchema: hexSchema(64, 'A dataset version id: the content id of the manifest hash and the Merkle root of the members.'),
    define: true,
  },
);
export type VersionId = t.TypeOf<typeof VersionId>;

export interface ContributorIdBrand {
  readonly ContributorId: unique symbol;
}
/** SHA-256("cairn/v1/contributor\n" ++ initial public key); stays the same across key rotations. */
export const ContributorId = described(
  t.brand(Sha256Hex, (_s): _s is t.Branded<Sha256Hex, ContributorIdBrand> => true, 'ContributorId'),
  {
    expected: 'a ContributorId (64 lowercase hex)',
    jsonSchema: hexSchema(
      64,
      'A contributor id: lowercase hex SHA-256 of "cairn/v1/contributor\\n" followed by the 32-byte initial public key.',
    ),
    define: true,
  },
);
export type ContributorId = t.TypeOf<typeof ContributorId>;

export interface PublicKeyHexBrand {
  readonly PublicKeyHex: unique symbol;
}
/** An Ed25519 public key (RFC 8032, 32 bytes) as 64 lowercase hex. */
export const PublicKeyHex = described(
  t.brand(t.string, (s): s is t.Branded<string, PublicKeyHexBrand> => isHexOfLength(s, 32), 'PublicKeyHex'),
  {
    expected: 'an Ed25519 public key (64 lowercase hex)',
    jsonSchema: hexSchema(64, 'An Ed25519 public key (RFC 8032), 32 bytes as 64 lowercase hex characters.'),
    define: true,
  },
);
export type PublicKeyHex = t.TypeOf<typeof PublicKeyHex>;

export interface SignatureHexBrand {
  readonly SignatureHex: unique symbol;
}
/** An Ed25519 signature (RFC 8032, 64 bytes) as 128 lowercase hex. */
export const SignatureHex = described(
  t.brand(t.string, (s): s is t.Branded<string, SignatureHexBrand> => isHexOfLength(s, 64), 'SignatureHex'),
  {
    expected: 'an Ed25519 signature (128 lowercase hex)',
    jsonSchema: hexSchema(128, 'An Ed25519 signature (RFC 8032), 64 bytes as 128 lowercase hex characters.'),
    define: true,
  },
);
export type SignatureHex = t.TypeOf<typeof SignatureHex>;
