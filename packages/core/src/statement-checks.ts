// The offline checks of Cairn's two signed statements, which need nothing but the file: a dataset
// version attestation (`cairn attest`) and a model passport (`cairn passport`). Checks against a
// store (the key was the signer's at the position, the ledger still says the same) live with the
// data they read: the SDK for keys, projections for versions and runs.
import * as E from 'fp-ts/lib/Either.js';
import { contentIdOf } from './ids.js';
import { openStatement, shapeCheck, signatureCheck, type Check } from './in-toto.js';

export const ATTESTATION_PREDICATE_TYPE = 'https://cairn.dev/attestation/dataset-version/v1';
export const PASSPORT_PREDICATE_TYPE = 'https://cairn.dev/passport/model/v1';

export interface VersionPredicate {
  readonly dataset: string;
  readonly ordinal: number;
  readonly versionId: string;
  readonly manifestId: string;
  readonly merkleRoot: string;
  readonly memberCount: number;
  readonly position: string;
  /** Members erased by the time of the attestation: the version is still what was cut, but their bytes are gone. */
  readonly erasedMembers: readonly { readonly cfId: string; readonly eventId: string; readonly position: string }[];
  readonly attestedBy: { readonly contributorId: string; readonly publicKey: string };
}

/** The part of a passport predicate its checks read (the full predicate is projections' PassportPredicate). */
export interface PassportPredicateCore {
  readonly run: { readonly runId: string; readonly modelHash: string; readonly eventId: string; readonly position: string };
  readonly dataset: { readonly versionId: string; readonly manifestId: string; readonly merkleRoot: string };
  readonly signedBy: { readonly contributorId: string; readonly publicKey: string };
}

export interface AttestCheck {
  readonly ok: boolean;
  readonly versionId: string | null;
  readonly attestedBy: string | null;
  readonly checks: readonly Check[];
}

export interface PassportCheck {
  readonly ok: boolean;
  readonly runId: string | null;
  readonly modelHash: string | null;
  readonly signedBy: string | null;
  readonly checks: readonly Check[];
}

/** Whether `versionId` is the content id of (manifest, root), the way the SDK derives a version id. */
function derivesVersionId(manifestId: unknown, merkleRoot: unknown, versionId: unknown): boolean {
  if (typeof manifestId !== 'string' || typeof merkleRoot !== 'string') return false;
  const derived = contentIdOf('dataset-version', { manifest: manifestId, root: merkleRoot });
  return E.isRight(derived) && derived.right === versionId;
}

/** Offline: the envelope and statement are well-formed, the signature verifies, the subjects agree with the predicate. */
export function checkAttestation(file: unknown): AttestCheck {
  const opened = openStatement<VersionPredicate>(file);
  const p = opened.statement.predicate ?? {};
  const digests = (opened.statement.subject ?? []).map((s) => s.digest?.sha256);
  const checks = [
    shapeCheck(opened, ATTESTATION_PREDICATE_TYPE),
    signatureCheck(opened.envelope, p.attestedBy?.publicKey),
    {
      check: 'the subjects are the version id and the Merkle root',
      ok: digests.length === 2 && digests[0] === p.versionId && digests[1] === p.merkleRoot,
    },
    { check: 'the version id is the content id of (manifest, root)', ok: derivesVersionId(p.manifestId, p.merkleRoot, p.versionId) },
  ];
  return { ok: checks.every((c) => c.ok), versionId: p.versionId ?? null, attestedBy: p.attestedBy?.contributorId ?? null, checks };
}

/** Offline: envelope and statement shape, the signature, the subject is the model, the version id derives from (manifest, root). */
export function checkPassport(file: unknown): PassportCheck {
  const opened = openStatement<PassportPredicateCore>(file);
  const p = opened.statement.predicate ?? {};
  const subject = opened.statement.subject ?? [];
  const checks: Check[] = [
    shapeCheck(opened, PASSPORT_PREDICATE_TYPE),
    signatureCheck(opened.envelope, p.signedBy?.publicKey),
    {
      check: "the subject is the run's model hash",
      ok: subject.length === 1 && typeof p.run?.modelHash === 'string' && subject[0]?.digest?.sha256 === p.run.modelHash,
    },
    {
      check: 'the dataset version id is the content id of (manifest, root)',
      ok: derivesVersionId(p.dataset?.manifestId, p.dataset?.merkleRoot, p.dataset?.versionId),
    },
  ];
  return {
    ok: checks.every((c) => c.ok),
    runId: p.run?.runId ?? null,
    modelHash: p.run?.modelHash ?? null,
    signedBy: p.signedBy?.contributorId ?? null,
    checks,
  };
}
