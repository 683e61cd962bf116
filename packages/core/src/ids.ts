// Ids of the ledger: every id is SHA-256 over domain-separated canonical bytes, so one fact has one
// id on every machine and an id of one kind can never be replayed as an id of another kind.
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { CanonicalJson, canonicalBytes, canonicalize, canonicalJsonOfParts, type CanonicalJsonError } from './canonical-json.js';
import { hasLoneSurrogate } from './json-policy.js';
import { sha256Hex, isSha256Hex, type Sha256Hex } from './sha256.js';

export interface InvalidIdInput {
  readonly _tag: 'InvalidIdInput';
  readonly field: string;
  readonly reason: string;
}

export type IdError = CanonicalJsonError | InvalidIdInput;

const encoder = new TextEncoder();
// No newline may occur in a type or kind: the first "\n" ends the domain tag, which keeps
// (tag, body) pairs injective.
const NAME = /^[A-Za-z][A-Za-z0-9._-]*$/;

function concat(head: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

function checkName(field: string, name: unknown): E.Either<InvalidIdInput, string> {
  return typeof name === 'string' && NAME.test(name)
    ? E.right(name)
    : E.left({ _tag: 'InvalidIdInput', field, reason: `${JSON.stringify(name)} is not a name ([A-Za-z][A-Za-z0-9._-]*)` });
}

function checkTypeAndSigner(type: string, signer: string): InvalidIdInput | undefined {
  const name = checkName('type', type);
  if (E.isLeft(name)) return name.left;
  return isSha256Hex(signer)
    ? undefined
    : { _tag: 'InvalidIdInput', field: 'signer', reason: 'a contributor id is 64 lowercase hex characters' };
}

/**
 * The bytes an event's signature covers and its id hashes:
 * UTF-8("cairn/v1/" + type + "\n") ++ RFC 8785 canonical JSON of {"payload": payload, "signer": signer}.
 * The signature is not among them, so re-signing never changes an id.
 */
export function signingBytes(type: string, payload: unknown, signer: string): E.Either<IdError, Uint8Array> {
  return E.map((signed: SigningText) => signed.bytes)(signingText(type, payload, signer));
}

interface SigningText {
  readonly bytes: Uint8Array;
  /** The payload's canonical JSON, which the bytes embed. */
  readonly payload: string;
}

// Every append and every id goes through here: plain control flow, the payload written once,
// one encode of tag and body. canonical {payload, signer} is the payload's text and the signer's
// between fixed keys ("payload" < "signer"); a refusal inside the payload names its path from $.payload.
function signingText(type: string, payload: unknown, signer: string): E.Either<IdError, SigningText> {
  const checked = checkTypeAndSigner(type, signer);
  if (checked !== undefined) return E.left(checked);
  const text = canonicalize(payload);
  if (E.isLeft(text)) return E.left({ ...text.left, path: text.left.path.replace(/^\$/, '$.payload') });
  return E.right({ bytes: signingBytesOfChecked(type, text.right, signer), payload: text.right });
}

// The one place the signing bytes are laid out, for a checked type and signer and a payload text.
function signingBytesOfChecked(type: string, payloadText: string, signer: string): Uint8Array {
  return encoder.encode(`cairn/v1/${type}\n{"payload":${payloadText},"signer":${JSON.stringify(signer)}}`);
}

/**
 * signingBytes with the payload given as the JSON text a stored envelope holds, used as it is:
 * nothing re-encodes it, nor checks that it is canonical. When the SHA-256 of these bytes is an
 * event's id, the text is the payload that id was made over (else a SHA-256 collision), which is
 * how a reader proves an id from the stored text alone. Type and signer are checked as signingBytes
 * checks them.
 */
export function signingBytesOfPayloadText(type: string, payloadText: string, signer: string): E.Either<InvalidIdInput, Uint8Array> {
  const checked = checkTypeAndSigner(type, signer);
  return checked !== undefined ? E.left(checked) : E.right(signingBytesOfChecked(type, payloadText, signer));
}

/** A signed event envelope as contributors exchange it and the log stores it. */
export interface SignedEnvelopeFields {
  readonly type: string;
  readonly payload: unknown;
  readonly signer: string;
  readonly signature: string;
}

/** A CF of a sealed batch as the log stores it: its seal's id and its index where the signature would be. */
export interface SealedEnvelopeFields {
  readonly type: string;
  readonly payload: unknown;
  readonly signer: string;
  readonly seal: { readonly id: string; readonly index: number };
}

export interface EventCanonicalForms {
  /** What the signature covers and the id hashes (see signingBytes). */
  readonly signingBytes: Uint8Array;
  /** The whole envelope's canonical JSON, for the log to store as the event's data. */
  readonly envelope: CanonicalJson;
}

const ENVELOPE_KEYS = new Set(['payload', 'signature', 'signer', 'type']);
const SEALED_KEYS = new Set(['payload', 'seal', 'signer', 'type']);

function hasKeysOnly(value: object, expected: ReadonlySet<string>): boolean {
  const keys = Object.keys(value);
  return keys.length === expected.size && keys.every((k) => expected.has(k));
}

/** The seal reference's canonical text when it is exactly { id: hex id, index: count }, else undefined. */
function sealText(seal: unknown): string | undefined {
  if (typeof seal !== 'object' || seal === null || !hasKeysOnly(seal, SEAL_KEYS)) return undefined;
  const { id, index } = seal as { id: unknown; index: unknown };
  if (!isSha256Hex(id) || typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) return undefined;
  return `{"id":"${id}","index":${index}}`;
}
const SEAL_KEYS = new Set(['id', 'index']);

/**
 * signingBytes and the envelope's canonical form with the payload written once: both texts are
 * the same canonical payload between fixed keys ("payload" < "signature" < "signer" < "type" in
 * RFC 8785 order). An envelope with other fields takes the general path.
 */
export function eventCanonicalForms(envelope: SignedEnvelopeFields | SealedEnvelopeFields): E.Either<IdError, EventCanonicalForms> {
  const { type, payload, signer } = envelope;
  const signed = signingText(type, payload, signer);
  if (E.isLeft(signed)) return signed;
  const bytes = signed.right.bytes;
  // A sealed CF: "payload" < "seal" < "signer" < "type".
  const seal = 'seal' in envelope && hasKeysOnly(envelope, SEALED_KEYS) ? sealText(envelope.seal) : undefined;
  if (seal !== undefined) {
    const text = `{"payload":${signed.right.payload},"seal":${seal},"signer":${JSON.stringify(signer)},"type":${JSON.stringify(type)}}`;
    return E.right({ signingBytes: bytes, envelope: canonicalJsonOfParts(envelope, text) });
  }
  const signature = (envelope as { signature?: unknown }).signature;
  if (!hasKeysOnly(envelope, ENVELOPE_KEYS) || typeof signature !== 'string' || hasLoneSurrogate(signature)) {
    const whole = CanonicalJson.of(envelope);
    return E.isLeft(whole) ? whole : E.right({ signingBytes: bytes, envelope: whole.right });
  }
  const text = `{"payload":${signed.right.payload},"signature":${JSON.stringify(signature)},"signer":${JSON.stringify(signer)},"type":${JSON.stringify(type)}}`;
  return E.right({ signingBytes: bytes, envelope: canonicalJsonOfParts(envelope, text) });
}

/** eventId = lowercase hex SHA-256(signingBytes). For Sample/Label/ValidationContributed it is the cfId. */
export function eventIdOf(type: string, payload: unknown, signer: string): E.Either<IdError, Sha256Hex> {
  return E.map(sha256Hex)(signingBytes(type, payload, signer));
}

const CONTRIBUTOR_TAG = encoder.encode('cairn/v1/contributor\n');

/** contributorId = lowercase hex SHA-256(UTF-8("cairn/v1/contributor\n") ++ the 32-byte initial public key). */
export function contributorIdOf(publicKey: Uint8Array): E.Either<IdError, Sha256Hex> {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    return E.left({ _tag: 'InvalidIdInput', field: 'publicKey', reason: 'an Ed25519 public key is 32 bytes' });
  return E.right(sha256Hex(concat(CONTRIBUTOR_TAG, publicKey)));
}

/** Id of a non-event thing (manifest, dataset version, ...): SHA-256(UTF-8("cairn/v1/<kind>\n") ++ canonical JSON). */
export function contentIdOf(kind: string, value: unknown): E.Either<IdError, Sha256Hex> {
  return pipe(
    checkName('kind', kind),
    E.chainW(() => canonicalBytes(value)),
    E.map((body) => sha256Hex(concat(encoder.encode(`cairn/v1/${kind}\n`), body))),
  );
}
