// What attestations and passports share: an in-toto Statement v1 signed in a DSSE envelope, read
// back from a file, and the optional check against a store that the signing key was the signer's
// key at a given log position (registered by then, not yet rotated out or revoked).
import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { fromHex } from '@cairn/core';
import type { Session } from '../session.js';
import { usage } from '../fail.js';
import { signEnvelope, verifyEnvelope, type DsseEnvelope } from './dsse.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

export interface Subject {
  readonly name: string;
  readonly digest: { readonly sha256: string };
}

export interface Statement<P> {
  readonly _type?: unknown;
  readonly subject?: readonly Partial<Subject>[];
  readonly predicateType?: unknown;
  readonly predicate?: Partial<P>;
}

export interface Check {
  readonly check: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export function signStatement(subject: readonly Subject[], predicateType: string, predicate: unknown, keyid: string, secretKey: Uint8Array): DsseEnvelope {
  const statement = { _type: STATEMENT_TYPE, subject, predicateType, predicate };
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, new TextEncoder().encode(JSON.stringify(statement)), keyid, secretKey);
}

/** The envelope's statement, if the file is a DSSE envelope of an in-toto payload; `{}` otherwise. */
export function openStatement<P>(file: unknown): { readonly envelope: DsseEnvelope | null; readonly statement: Statement<P> } {
  const env = (typeof file === 'object' && file !== null ? file : {}) as Partial<DsseEnvelope>;
  const wellFormed = typeof env.payload === 'string' && env.payloadType === IN_TOTO_PAYLOAD_TYPE && Array.isArray(env.signatures) && env.signatures.length > 0;
  if (!wellFormed) return { envelope: null, statement: {} };
  try {
    return { envelope: env as DsseEnvelope, statement: JSON.parse(Buffer.from(env.payload!, 'base64').toString('utf8')) as Statement<P> };
  } catch {
    return { envelope: env as DsseEnvelope, statement: {} };
  }
}

export function shapeCheck(opened: { readonly envelope: DsseEnvelope | null; readonly statement: Statement<unknown> }, predicateType: string): Check {
  return { check: 'a DSSE envelope of an in-toto Statement v1', ok: opened.envelope !== null && opened.statement._type === STATEMENT_TYPE && opened.statement.predicateType === predicateType };
}

export function signatureCheck(envelope: DsseEnvelope | null, publicKey: unknown): Check {
  const key = typeof publicKey === 'string' ? fromHex(publicKey, 32) : E.left(null);
  return { check: 'the Ed25519 signature over PAE(payloadType, payload) verifies', ok: envelope !== null && E.isRight(key) && verifyEnvelope(envelope, key.right) };
}

export async function readEnvelopeFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    return usage('--verify', `${file} is not a readable JSON file (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}

/**
 * Store checks run only when the user names a store (--store or CAIRN_STORE): `--verify FILE` alone
 * stays an offline check that needs nothing but the file, even next to a ./.cairn folder.
 */
export function storeNamed(globals: { readonly store?: unknown }): boolean {
  return typeof globals.store === 'string' || process.env.CAIRN_STORE !== undefined;
}

/** Whether `publicKey` was `contributorId`'s key at `position`: validity is anchored to the log, never to a clock. */
export async function keyValidAt(session: Session, contributorId: unknown, publicKey: unknown, position: unknown): Promise<Check> {
  const check = 'the signing key was the signer\'s registered key at that log position (store)';
  if (typeof contributorId !== 'string' || typeof publicKey !== 'string' || typeof position !== 'string' || !/^\d+$/.test(position)) return { check, ok: false, detail: 'the predicate names no signer, key or position' };
  const state = await session.ledger.contributors.get(contributorId);
  if (E.isLeft(state) || state.right === undefined) return { check, ok: false, detail: `signer ${contributorId} is not registered in this store` };
  const at = BigInt(position);
  const window = state.right.keys.find((k) => k.publicKey === publicKey);
  if (window === undefined) return { check, ok: false, detail: `key ${publicKey} was never registered to ${contributorId}` };
  if (BigInt(window.validFrom) > at) return { check, ok: false, detail: `key ${publicKey} became valid at position ${String(window.validFrom)}, after position ${position}` };
  if (window.validUntil !== undefined && BigInt(window.validUntil) <= at)
    return { check, ok: false, detail: `key ${publicKey} was ${window.endedBy === 'revocation' ? 'revoked' : 'rotated out'} at position ${String(window.validUntil)}, not after position ${position}` };
  return { check, ok: true };
}
