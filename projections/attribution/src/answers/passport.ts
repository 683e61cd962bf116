// A model passport's facts: what a training run declared, the version it trained on, the licenses
// and obligations of that version's members, and the risk flags the ledger supports as of now.
// The CLI signs this; the library only answers it, so `--verify` against a store recomputes the
// same facts through the same query.
import type { Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog } from '@cairn/eventlog';
import { cfIdFromDb, eventIdFromDb } from '@cairn/projector';
import type { CfId, EventId } from '@cairn/schemas';
import { showRun, type RunsError } from './runs.js';
import { licenses, asDatasetsHandle } from '@cairn/datasets';
import { erasedMembersOf, personalDataMemberCount, unvalidatedMemberCount } from '@cairn/datasets';
import type { ContaminationOptions, SampleBytesReader } from '@cairn/datasets';
import { passportContamination, type PassportContamination } from '@cairn/datasets';
import type { AttributionDatabase } from '../tables.js';

export interface PassportFlag {
  readonly flag:
    'unknown_license' | 'license_conflict' | 'erased_data_used' | 'personal_data' | 'unvalidated_members' | 'contaminated_eval';
  readonly raised: boolean;
  /** How many members (or licenses / conflicts, or contaminated pairs) raise it; 0 when not raised. */
  readonly count: number;
  readonly detail: string;
}

export interface PassportFacts {
  readonly run: {
    readonly runId: string;
    readonly modelHash: string;
    readonly eventId: string;
    readonly position: string;
    readonly signer: string;
    readonly recordedAt: string;
  };
  readonly dataset: {
    readonly name: string;
    readonly ordinal: number | null;
    readonly versionId: string;
    readonly manifestId: string;
    readonly merkleRoot: string;
    readonly memberCount: number;
    readonly position: string;
  };
  readonly code: string;
  readonly seeds: Readonly<Record<string, number>>;
  readonly hyperparameters: { readonly [key: string]: unknown };
  readonly environment: Readonly<Record<string, string>>;
  readonly licenses: {
    readonly inForce: readonly string[];
    readonly unknown: readonly string[];
    readonly conflicts: readonly { readonly rule: string; readonly licenses: readonly string[] }[];
    readonly obligations: {
      readonly attribution: readonly string[];
      readonly shareAlike: readonly string[];
      readonly nonCommercial: readonly string[];
      readonly noDerivatives: readonly string[];
    };
  };
  readonly erasedMembers: readonly { readonly cfId: CfId; readonly eventId: EventId; readonly position: string }[];
  /** The check against the run's params.evalVersion; null when the run names none. */
  readonly contamination: PassportContamination | null;
  readonly flags: readonly PassportFlag[];
}

const flag = (f: PassportFlag['flag'], count: number, detail: string): PassportFlag => ({ flag: f, raised: count > 0, count, detail });

export interface PassportOptions {
  /**
   * The SDK's samples.read, for the near-duplicate half of contaminated_eval; without it only
   * exact (same commitment) matches with the evaluation version are counted, and the flag says so.
   */
  readonly readSample?: SampleBytesReader;
  readonly contamination?: ContaminationOptions;
}

export async function passportFacts(
  db: Kysely<AttributionDatabase>,
  log: EventLog,
  runId: string,
  options: PassportOptions = {},
): Promise<E.Either<RunsError, PassportFacts>> {
  const run = await showRun(db, log, runId);
  if (E.isLeft(run)) return run;
  const r = run.right;
  if (r.version === null)
    return E.left({
      _tag: 'VersionNotFound',
      versionId: r.versionId,
      message: `run ${runId}: its version ${r.versionId} is not cut in this store`,
    });
  const lic = await licenses(asDatasetsHandle(db), r.versionId);
  if (E.isLeft(lic)) return E.left({ _tag: 'VersionNotFound', versionId: r.versionId, message: lic.left.message });
  const L = lic.right;
  const erased = await erasedMembersOf(asDatasetsHandle(db), r.versionId);
  const personal = await personalDataMemberCount(asDatasetsHandle(db), r.versionId);
  const unvalidated = await unvalidatedMemberCount(asDatasetsHandle(db), r.versionId);
  const evalVersion = typeof r.hyperparameters['evalVersion'] === 'string' ? (r.hyperparameters['evalVersion'] as string) : null;
  const contaminated =
    evalVersion === null
      ? null
      : await passportContamination(asDatasetsHandle(db), log, { versionId: r.versionId, position: r.position, evalVersion }, options);
  return E.right({
    run: {
      runId: r.runId,
      modelHash: r.modelHash,
      eventId: r.eventId,
      position: r.position.toString(),
      signer: r.signer,
      recordedAt: r.recordedAt,
    },
    dataset: {
      name: r.dataset,
      ordinal: r.ordinal,
      versionId: r.versionId,
      manifestId: r.version.manifestId,
      merkleRoot: r.version.merkleRoot,
      memberCount: r.version.memberCount,
      position: r.version.position.toString(),
    },
    code: r.codeVersion,
    seeds: r.seeds,
    hyperparameters: r.hyperparameters,
    environment: r.environment,
    licenses: {
      inForce: L.licenses,
      unknown: L.unknown,
      conflicts: L.conflicts.map((c) => ({ rule: c.rule, licenses: c.licenses })),
      obligations: {
        attribution: L.obligations.attribution.map((a) => a.contributor),
        shareAlike: L.obligations.shareAlike,
        nonCommercial: L.obligations.nonCommercial,
        noDerivatives: L.obligations.noDerivatives,
      },
    },
    erasedMembers: erased.map((e) => ({ cfId: cfIdFromDb(e.cfId), eventId: eventIdFromDb(e.eventId), position: e.position.toString() })),
    contamination: contaminated,
    flags: [
      flag(
        'unknown_license',
        L.unknown.length,
        L.unknown.length > 0 ? `license expressions no rule resolves: ${L.unknown.join(', ')}` : 'every license expression resolves',
      ),
      flag(
        'license_conflict',
        L.conflicts.length,
        L.conflicts.length > 0 ? L.conflicts.map((c) => `${c.rule}: ${c.licenses.join(' + ')}`).join('; ') : 'no license conflict',
      ),
      flag('erased_data_used', erased.length, erased.length > 0 ? `${erased.length} member(s) erased since` : 'no member is erased'),
      flag('personal_data', personal, personal > 0 ? `${personal} member(s) declare personal data` : 'no member declares personal data'),
      flag(
        'unvalidated_members',
        unvalidated,
        unvalidated > 0
          ? `${unvalidated} of ${r.version.memberCount} member(s) have no approving validation`
          : 'every member has an approving validation',
      ),
      contaminated === null
        ? flag('contaminated_eval', 0, 'not checked: the run names no evalVersion in its params')
        : flag('contaminated_eval', contaminated.exactPairs + contaminated.nearPairs, contaminated.detail),
    ],
  });
}
