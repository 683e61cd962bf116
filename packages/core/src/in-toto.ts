// An in-toto Statement v1 (in-toto/attestation, spec v1) signed in a DSSE envelope: how Cairn's
// attestations and passports are written and read back. Reading never throws: a file that is not
// an envelope of a statement opens to an empty statement, and the checks say so.
import * as E from 'fp-ts/lib/Either.js';
import { fromHex } from './hex.js';
import { signEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

export interface Subject {
  readonly name: string;
  readonly digest: { readonly sha256: string };
}

/** A statement as read from an untrusted file: every field may be missing or of another type. */
export interface Statement<TPredicate> {
  readonly _type?: unknown;
  readonly subject?: readonly Partial<Subject>[];
  readonly predicateType?: unknown;
  readonly predicate?: Partial<TPredicate>;
}

/** One named check of a statement, failed or passed; `detail` says why it failed. */
export interface Check {
  readonly check: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface OpenedStatement<TPredicate> {
  /** The envelope, when the file is a well-formed DSSE envelope of an in-toto payload. */
  readonly envelope: DsseEnvelope | null;
  readonly statement: Statement<TPredicate>;
}

export function signStatement(
  subject: readonly Subject[],
  predicateType: string,
  predicate: unknown,
  keyid: string,
  secretKey: Uint8Array,
): DsseEnvelope {
  const statement = { _type: STATEMENT_TYPE, subject, predicateType, predicate };
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, new TextEncoder().encode(JSON.stringify(statement)), keyid, secretKey);
}

/** The envelope's statement, if the file is a DSSE envelope of an in-toto payload; `{}` otherwise. */
export function openStatement<TPredicate>(file: unknown): OpenedStatement<TPredicate> {
  const env = (typeof file === 'object' && file !== null ? file : {}) as Partial<DsseEnvelope>;
  const wellFormed =
    typeof env.payload === 'string' &&
    env.payloadType === IN_TOTO_PAYLOAD_TYPE &&
    Array.isArray(env.signatures) &&
    env.signatures.length > 0;
  if (!wellFormed) return { envelope: null, statement: {} };
  try {
    return {
      envelope: env as DsseEnvelope,
      statement: JSON.parse(Buffer.from(env.payload!, 'base64').toString('utf8')) as Statement<TPredicate>,
    };
  } catch {
    return { envelope: env as DsseEnvelope, statement: {} };
  }
}

export function shapeCheck(opened: OpenedStatement<unknown>, predicateType: string): Check {
  return {
    check: 'a DSSE envelope of an in-toto Statement v1',
    ok: opened.envelope !== null && opened.statement._type === STATEMENT_TYPE && opened.statement.predicateType === predicateType,
  };
}

export function signatureCheck(envelope: DsseEnvelope | null, publicKey: unknown): Check {
  const key = typeof publicKey === 'string' ? fromHex(publicKey, 32) : E.left(null);
  return {
    check: 'the Ed25519 signature over PAE(payloadType, payload) verifies',
    ok: envelope !== null && E.isRight(key) && verifyEnvelope(envelope, key.right),
  };
}
