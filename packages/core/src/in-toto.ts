// An in-toto Statement v1 (in-toto/attestation, spec v1) signed in a DSSE envelope: how Cairn's
// attestations and passports are written and read back. Reading never throws: a file that is not
// an envelope of a statement opens to an empty statement, and the checks say so.
import * as E from 'fp-ts/lib/Either.js';
import { fromHex } from './hex.js';
import { parseStrictJsonBytes } from './strict-json-parser.js';
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

/** Why an envelope's payload was not read: `field` is `payload` or the member in it (`payload.predicate.runId`). */
export interface StatementError {
  readonly _tag: 'StatementError';
  readonly field: string;
  readonly reason: string;
}

export interface OpenedStatement<TPredicate> {
  /** The envelope, when the file is a well-formed DSSE envelope of an in-toto payload. */
  readonly envelope: DsseEnvelope | null;
  readonly statement: Statement<TPredicate>;
  /** Why the envelope's payload opened to an empty statement; null when it opened (or there is no envelope). */
  readonly error: StatementError | null;
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
  if (!wellFormed) return { envelope: null, statement: {}, error: null };
  // The signature covers these bytes: read leniently, a byte that is not UTF-8 would become U+FFFD
  // and a lone surrogate or a twice-named member would be read one way here and another elsewhere,
  // so the checks would speak of a statement that was never signed.
  const parsed = parseStrictJsonBytes(new Uint8Array(Buffer.from(env.payload!, 'base64')));
  if (E.isLeft(parsed)) {
    const { path, reason } = parsed.left;
    const field = `payload${path.replace(/^\$/, '')}`;
    return {
      envelope: env as DsseEnvelope,
      statement: {},
      error: { _tag: 'StatementError', field, reason: reason.replace(/^input is /, '') },
    };
  }
  const statement = parsed.right;
  // Every check reads members of the statement: anything but an object would make them throw.
  if (typeof statement !== 'object' || statement === null || Array.isArray(statement))
    return {
      envelope: env as DsseEnvelope,
      statement: {},
      error: { _tag: 'StatementError', field: 'payload', reason: 'expected a JSON object' },
    };
  return { envelope: env as DsseEnvelope, statement: statement as Statement<TPredicate>, error: null };
}

export function shapeCheck(opened: OpenedStatement<unknown>, predicateType: string): Check {
  return {
    check: 'a DSSE envelope of an in-toto Statement v1',
    ok: opened.envelope !== null && opened.statement._type === STATEMENT_TYPE && opened.statement.predicateType === predicateType,
    ...(opened.error === null ? {} : { detail: `${opened.error.field}: ${opened.error.reason}` }),
  };
}

export function signatureCheck(envelope: DsseEnvelope | null, publicKey: unknown): Check {
  const key = typeof publicKey === 'string' ? fromHex(publicKey, 32) : E.left(null);
  return {
    check: 'the Ed25519 signature over PAE(payloadType, payload) verifies',
    ok: envelope !== null && E.isRight(key) && verifyEnvelope(envelope, key.right),
  };
}
