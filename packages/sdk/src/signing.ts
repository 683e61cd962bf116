// Signing on the contributor's side. A Signer is what a contributor hands the SDK: its id and
// the secret key it signs with now. Secret keys never enter the log; only public keys do.
// Signing uses node:crypto: Ed25519 (RFC 8032) is deterministic, so it yields the same
// signatures as any other conforming signer, at several times noble's speed for bulk signing.
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { contributorIdOf, generateSigningKey, publicKeyOf, sealRootOf, sha256Hex, signingBytes, type IdError } from '@cairn/core';
import { isEventType, type EventId } from '@cairn/schemas';
import type { DecodeFailureAt } from './errors.js';

export interface Signer {
  readonly contributorId: string;
  /** 32-byte Ed25519 secret key (RFC 8032 seed). */
  readonly secretKey: Uint8Array;
}

/** An event as contributors exchange it: signed, not yet in the log. */
export interface SignedEnvelope {
  readonly type: string;
  readonly payload: unknown;
  readonly signer: string;
  readonly signature: string;
}

export interface SignedEvent {
  readonly envelope: SignedEnvelope;
  readonly eventId: string;
  readonly signingBytes: Uint8Array;
}

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const privateKeys = new WeakMap<Uint8Array, KeyObject>();

function privateKeyOf(secretKey: Uint8Array): KeyObject {
  let key = privateKeys.get(secretKey);
  if (key === undefined) {
    if (secretKey.length !== 32) throw new TypeError(`an Ed25519 secret key is 32 bytes, got ${secretKey.length}`);
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
    privateKeys.set(secretKey, key);
  }
  return key;
}

/** A brand-new contributor identity: a fresh key whose public half fixes the contributor id. */
export function newSigner(): Signer & { readonly publicKey: string } {
  const secretKey = generateSigningKey();
  const publicKey = publicKeyOf(secretKey);
  return { contributorId: contributorIdFor(publicKey), secretKey, publicKey: Buffer.from(publicKey).toString('hex') };
}

function contributorIdFor(publicKey: Uint8Array): string {
  const id = contributorIdOf(publicKey);
  // publicKeyOf always yields 32 bytes, the only thing contributorIdOf checks.
  if (E.isLeft(id)) throw new Error(id.left.reason);
  return id.right;
}

/** The signer for an initial key: the contributor id is derived from it. */
export function signerFromInitialKey(secretKey: Uint8Array): Signer {
  return { contributorId: contributorIdFor(publicKeyOf(secretKey)), secretKey };
}

/** The signer of an existing contributor after a rotation: same id, the new key. */
export function signerWithKey(signer: Signer, secretKey: Uint8Array): Signer {
  return { contributorId: signer.contributorId, secretKey };
}

export function publicKeyHexOf(secretKey: Uint8Array): string {
  return Buffer.from(publicKeyOf(secretKey)).toString('hex');
}

/** The bytes a signature covers and the event id derived from them (design: the envelope). */
/** An event's id: the SHA-256 of its signing bytes, which is what makes it an EventId (see @cairn/schemas). */
export const eventIdOfSigningBytes = (bytes: Uint8Array): EventId => sha256Hex(bytes) as string as EventId;

export function idOf(
  type: string,
  payload: unknown,
  signer: string,
): E.Either<DecodeFailureAt, { readonly eventId: EventId; readonly signingBytes: Uint8Array }> {
  const bytes = signingBytes(type, payload, signer);
  if (E.isLeft(bytes)) return E.left(idFailureOf(type, bytes.left));
  return E.right({ eventId: eventIdOfSigningBytes(bytes.right), signingBytes: bytes.right });
}

/** Why an event has no id, worded as a decode failure naming the field (idOf's refusal). */
export function idFailureOf(type: string, failure: IdError): DecodeFailureAt {
  const path = failure._tag === 'InvalidIdInput' ? `$.${failure.field}` : failure.path;
  const reason = failure.reason;
  const message = `${type}${path.replace(/^\$/, '')}: ${reason}`;
  return {
    _tag: 'DecodeFailure',
    type: isEventType(type) ? type : null,
    problems: [
      { path: `${type}${path.replace(/^\$/, '')}`, expected: 'a value with a canonical JSON form (RFC 8785)', actual: reason, message },
    ],
    message,
  } as DecodeFailureAt;
}

export function signEvent(type: string, payload: unknown, signer: Signer): E.Either<DecodeFailureAt, SignedEvent> {
  return E.map(({ eventId, signingBytes: bytes }: { eventId: string; signingBytes: Uint8Array }) => ({
    eventId,
    signingBytes: bytes,
    envelope: {
      type,
      payload,
      signer: signer.contributorId,
      signature: nodeSign(null, bytes, privateKeyOf(signer.secretKey)).toString('hex'),
    },
  }))(idOf(type, payload, signer.contributorId));
}

/** A CF of a sealed batch as contributors exchange it: its seal and index in place of a signature. */
export interface SealedCfEnvelope {
  readonly type: string;
  readonly payload: unknown;
  readonly signer: string;
  readonly seal: { readonly id: string; readonly index: number };
}

export interface SealedBatch {
  /** The BatchSealed: one signature over the root of the CF ids, in order, and their count. */
  readonly seal: SignedEvent;
  readonly cfs: readonly { readonly envelope: SealedCfEnvelope; readonly eventId: string }[];
}

/**
 * Seals CFs (already decoded payloads) with one signature: the CF ids are computed as for signed
 * CFs (the id never covers a signature), the seal signs their RFC 6962 root and count, and each
 * CF names the seal and its index. The CFs must be distinct (a repeated id would be one event).
 */
export function sealEvents(
  cfs: readonly { readonly type: string; readonly payload: unknown }[],
  signer: Signer,
): E.Either<DecodeFailureAt & { readonly index?: number }, SealedBatch> {
  const ids: string[] = [];
  for (const [index, cf] of cfs.entries()) {
    const id = idOf(cf.type, cf.payload, signer.contributorId);
    if (E.isLeft(id)) return E.left({ ...id.left, index });
    ids.push(id.right.eventId);
  }
  const root = sealRootOf(ids);
  // Ids are hex from idOf; the only refusal left is an empty batch, a caller's mistake.
  if (E.isLeft(root)) throw new RangeError(root.left.reason);
  const seal = signEvent('BatchSealed', { root: root.right, count: ids.length }, signer);
  if (E.isLeft(seal)) return seal;
  const sealId = seal.right.eventId;
  return E.right({
    seal: seal.right,
    cfs: cfs.map((cf, index) => ({
      eventId: ids[index]!,
      envelope: { type: cf.type, payload: cf.payload, signer: signer.contributorId, seal: { id: sealId, index } },
    })),
  });
}
