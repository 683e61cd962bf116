// A sealed batch: one signature for many CFs. The seal states the RFC 6962 Merkle root over the
// batch's CF ids in order and how many there are; its envelope's signer is the contributor who
// wrote every CF under it. Each CF of the batch names its seal and its index instead of carrying
// a signature of its own, so a CF's id (which never covers a signature) is the same either way.
import type * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { described } from '../describe.js';
import { EventId, Sha256Hex } from '../primitives/hex.js';
import { NonNegativeInt, PositiveInt } from '../primitives/numbers.js';

export const BatchSealedPayload = closed('BatchSealedPayload', {
  /** RFC 6962 Merkle tree hash over the batch's CF ids in order (each id's 32 bytes is one leaf). */
  root: Sha256Hex,
  /** How many CFs the batch holds: they follow the seal in the log, in order. */
  count: PositiveInt,
});
export type BatchSealedPayload = t.TypeOf<typeof BatchSealedPayload>;

/** What a sealed CF carries in place of a signature: its seal's event id and its place in the batch. */
export const SealRef = described(closed('SealRef', { id: EventId, index: NonNegativeInt }), {
  expected: 'a seal reference object (id, index)',
  fields: ['id', 'index'],
  define: true,
});
export type SealRef = t.TypeOf<typeof SealRef>;
