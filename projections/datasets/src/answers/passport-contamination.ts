// The passport's contaminated_eval check: when a run names the version it was evaluated on
// (params.evalVersion), the contamination engine compares the run's training version with it.
// The name is a version id, or NAME@N / NAME@latest read as of the run's own position, so a
// passport signed later still names the evaluation data the run had, not a newer cut.
import type { Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, LogPosition } from '@cairn/eventlog';
import { datasetBuilds, readVersion } from './versions.js';
import { contamination, type ContaminationOptions, type SampleBytesReader } from './contamination/check.js';
import { isSha256Hex } from '@cairn/core';
import type { VersionId } from '@cairn/schemas';
import type { DatasetsDatabase } from '../tables.js';

export interface PassportContamination {
  /** As the run's params name it. */
  readonly evalVersion: string;
  /** The version it resolved to, or null when it names none in this store. */
  readonly evalVersionId: VersionId | null;
  /** False when the comparison could not be made; `detail` then says why. */
  readonly checked: boolean;
  /** False when no sample reader was given: only exact (commitment) matches were looked for. */
  readonly nearChecked: boolean;
  readonly exactPairs: number;
  readonly nearPairs: number;
  readonly contaminatedTrainMembers: number;
  readonly threshold: number | null;
  readonly detail: string;
}

const ID_PREFIX = /^[0-9a-f]{6,63}$/;

/** The version `text` names, as of the run's position: null when it names none. */
export async function resolveEvalVersion(db: Kysely<DatasetsDatabase>, text: string, runPosition: LogPosition): Promise<VersionId | null> {
  if (isSha256Hex(text)) {
    const found = await readVersion(db, text);
    return E.isRight(found) ? found.right.versionId : null;
  }
  const at = text.lastIndexOf('@');
  const dataset = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? 'latest' : text.slice(at + 1) || 'latest';
  if (dataset === '') return null;
  const builds = (await datasetBuilds(db, dataset)).filter((b) => b.position <= runPosition);
  if (version === 'latest') return builds[builds.length - 1]?.versionId ?? null;
  const distinct = [...new Set(builds.map((b) => b.versionId))];
  if (/^[1-9][0-9]*$/.test(version)) return distinct[Number(version) - 1] ?? null;
  if (!ID_PREFIX.test(version)) return null;
  const matches = distinct.filter((id) => id.startsWith(version));
  return matches.length === 1 ? matches[0]! : null;
}

/** Sample bytes cannot be had without a reader: every text is skipped, only commitments are compared. */
const noBytes: SampleBytesReader = async () => E.left({ _tag: 'SampleNotFound' });

export async function passportContamination(
  db: Kysely<DatasetsDatabase>,
  log: EventLog,
  run: { readonly versionId: string; readonly position: LogPosition; readonly evalVersion: string },
  options: { readonly readSample?: SampleBytesReader; readonly contamination?: ContaminationOptions },
): Promise<PassportContamination> {
  const base = {
    evalVersion: run.evalVersion,
    nearChecked: options.readSample !== undefined,
    exactPairs: 0,
    nearPairs: 0,
    contaminatedTrainMembers: 0,
  };
  const evalVersionId = await resolveEvalVersion(db, run.evalVersion, run.position);
  if (evalVersionId === null)
    return {
      ...base,
      evalVersionId,
      checked: false,
      threshold: null,
      detail: `not checked: evalVersion ${run.evalVersion} names no version in this store as of the run`,
    };
  const report = await contamination(db, log, options.readSample ?? noBytes, run.versionId, evalVersionId, options.contamination ?? {});
  if (E.isLeft(report)) return { ...base, evalVersionId, checked: false, threshold: null, detail: `not checked: ${report.left.message}` };
  const c = report.right.counts;
  const how = base.nearChecked
    ? `near: estimated Jaccard >= ${report.right.method.threshold}`
    : 'near duplicates not checked (no sample reader)';
  const found = c.exactPairs + c.nearPairs > 0;
  return {
    ...base,
    evalVersionId,
    checked: true,
    exactPairs: c.exactPairs,
    nearPairs: c.nearPairs,
    contaminatedTrainMembers: c.contaminatedTrainMembers,
    threshold: report.right.method.threshold,
    detail: found
      ? `${c.exactPairs} exact and ${c.nearPairs} near pair(s) with evalVersion ${run.evalVersion} (${c.contaminatedTrainMembers} training member(s)); ${how}`
      : `no training member is in evalVersion ${run.evalVersion}; ${how}`,
  };
}
