// The store half of checking a signed statement: what the projections know that the statement
// claims. An attestation names a version and its root; a passport names a run, its model, the
// version and root it trained on. The signing key's validity is the SDK's check (it reads the log).
import * as E from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import type { Check, PassportPredicateCore, VersionPredicate } from '@cairn/core';
import type { EventLog } from '@cairn/eventlog';
// Reads only the datasets projection's tables, through its answers.
import type { DatasetsDatabase } from '@cairn/datasets';
import type { AttributionDatabase } from '../tables.js';
import type { PassportFacts } from './passport.js';
import { showRun } from './runs.js';
import { readVersion } from '@cairn/datasets';

/** What `cairn passport` signs: the passport facts and who signed them. */
export interface PassportPredicate extends PassportFacts {
  readonly signedBy: { readonly contributorId: string; readonly publicKey: string };
}

/** The attested version is in the store with the attested manifest and Merkle root. */
export async function attestedVersionCheck(db: Kysely<DatasetsDatabase>, predicate: Partial<VersionPredicate>): Promise<Check> {
  const check = 'the version and its Merkle root are in the store (store)';
  const v = typeof predicate.versionId === 'string' ? await readVersion(db, predicate.versionId) : E.left(null);
  const matches = E.isRight(v) && v.right.merkleRoot === predicate.merkleRoot && v.right.manifestId === predicate.manifestId;
  if (matches) return { check, ok: true };
  return {
    check,
    ok: false,
    detail: E.isRight(v)
      ? 'the store has the version with another root or manifest'
      : `version ${String(predicate.versionId)} is not in the store`,
  };
}

/** The run, its model hash, run event, version and root are what the ledger says now. */
export async function passportLedgerCheck(
  db: Kysely<AttributionDatabase>,
  log: EventLog,
  predicate: Partial<PassportPredicateCore>,
): Promise<Check> {
  const check = 'the run, its model hash, version and Merkle root match the ledger (store)';
  if (typeof predicate.run?.runId !== 'string') return { check, ok: false, detail: 'the predicate names no run' };
  // The run row is enough to compare: the full passport facts would also run the contamination
  // check (and read every member of both versions from the log) only to be thrown away.
  const run = await showRun(db, log, predicate.run.runId);
  if (E.isLeft(run)) return { check, ok: false, detail: run.left.message };
  const r = run.right;
  if (r.version === null) return { check, ok: false, detail: `run ${r.runId}: its version ${r.versionId} is not cut in this store` };
  const differ = [
    r.modelHash !== predicate.run.modelHash ? 'model hash' : null,
    r.eventId !== predicate.run.eventId ? 'run event' : null,
    r.versionId !== predicate.dataset?.versionId ? 'version id' : null,
    r.version.merkleRoot !== predicate.dataset?.merkleRoot ? 'Merkle root' : null,
  ].filter((x): x is string => x !== null);
  return { check, ok: differ.length === 0, ...(differ.length === 0 ? {} : { detail: `the ledger has another ${differ.join(', ')}` }) };
}
