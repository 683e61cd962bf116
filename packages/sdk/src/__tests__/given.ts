// Given-helpers for the SDK's specifications: a ledger on any log, registered contributors,
// and a small world (a sample, a label on it) to reference.
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { expect } from '@jest/globals';
import { createInMemoryEventLog, type EventLog } from '@cairn/eventlog';
import { generateSigningKey } from '@cairn/core';
import { createLedger, type Ledger } from '../ledger.js';
import { createMemoryBlobStore } from '../blob-store/memory.js';
import { createMemoryKeyStore } from '../key-store/memory.js';
import type { LedgerError } from '../errors.js';
import type { Signer } from '../signing.js';
import type { BlobStore } from '../blob-store/port.js';
import type { KeyStore } from '../key-store/port.js';
import { createVerifyPool } from '../verify-pool.js';
import type { ContributionInput } from '../api/contributions.js';

export function ledgerOn(
  log: EventLog = createInMemoryEventLog(),
  stores: { blobs?: BlobStore; keys?: KeyStore; workers?: number } = {},
): Ledger {
  const pool = stores.workers ? createVerifyPool({ size: stores.workers }) : undefined;
  return createLedger({
    log,
    blobs: stores.blobs ?? createMemoryBlobStore(),
    keys: stores.keys ?? createMemoryKeyStore(),
    ...(pool ? { pool } : {}),
    onClose: () => log.close(),
  });
}

export function right<T>(result: E.Either<LedgerError, T>): T {
  if (E.isLeft(result))
    throw new Error(`expected success, got ${JSON.stringify(result.left, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return result.right;
}

export function left<T>(result: E.Either<LedgerError, T>): LedgerError {
  if (E.isRight(result)) throw new Error('expected a rejection, got success');
  return result.left;
}

export function expectViolation<T>(result: E.Either<LedgerError, T>, rule: string, field?: string): void {
  const error = left(result);
  expect(error).toMatchObject({ _tag: 'RuleViolation', rule, ...(field === undefined ? {} : { field }) });
}

export async function register(ledger: Ledger, name: string): Promise<Signer> {
  return right(await ledger.contributors.register(generateSigningKey(), { name }));
}

export const text = (s: string) => new TextEncoder().encode(s);

/** `n` distinct text samples, rows `from` on; every third with attributes of every JSON kind. */
export const textSamples = (n: number, from = 0): ContributionInput[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'sample',
    bytes: text(`row ${from + i}: a line of training text`),
    mediaType: 'text/plain',
    license: 'CC-BY-4.0',
    source: 'spec',
    ...((from + i) % 3 === 0 ? { attributes: { importId: `r${from + i}`, tags: ['a', from + i], nested: { ok: true, n: null } } } : {}),
  }));

export async function contributeSample(
  ledger: Ledger,
  signer: Signer,
  body = 'the quick brown fox',
  extra: { personalData?: boolean } = {},
) {
  return right(
    await ledger.contribute.sample(
      { bytes: text(body), mediaType: 'text/plain', license: 'CC-BY-4.0', source: 'wiki-dump-2026', ...extra },
      signer,
    ),
  );
}

export async function logSize(ledger: Ledger): Promise<number> {
  const all = await ledger.log.readAll();
  if (E.isLeft(all)) throw new Error('readAll failed');
  return all.right.length;
}

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * `count` samples signed by `signer` as ingest items (envelope and bytes), their texts
 * `${prefix} ${from + i}`, ready for ingest / ingestBatches without having been appended.
 */
export function signedSamples(ledger: Ledger, signer: Signer, prefix: string, from: number, count: number, source = 'p') {
  return Array.from({ length: count }, (_, i) => {
    const bytes = text(`${prefix} ${from + i}`);
    const payload = {
      commitment: { scheme: 'sha256', value: sha256Of(bytes) },
      mediaType: 'text/plain',
      size: bytes.length,
      license: 'MIT',
      source,
    };
    return { envelope: right(ledger.sign('SampleContributed', payload, signer)), sample: { bytes } };
  });
}
