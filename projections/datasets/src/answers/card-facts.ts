// The facts a provenance card of one dataset version is written from: where its members came
// from, their kinds, licenses and validations, the manifest that selected them, and which of them
// have been erased since the cut. The card's layout (Markdown) is the surface's job.
import type { Kysely } from 'kysely';
import * as E from 'fp-ts/lib/Either.js';
import type { AnswerError } from './errors.js';
import { erasedMembersOf, type Erasure } from './erasures.js';
import { licenses, type LicenseReport } from './licenses.js';
import { manifestById, memberKinds, validationStats, type KindCount, type ValidationStats } from './version-facts.js';
import { whereFromVersion, type VersionOrigin } from './where-from.js';
import type { DatasetsDatabase } from '../tables.js';

export interface VersionCardFacts {
  readonly origin: VersionOrigin;
  readonly kinds: readonly KindCount[];
  readonly licenses: LicenseReport;
  readonly validation: ValidationStats;
  /** The manifest as signed, null when the log holds none under the version's manifest id. */
  readonly manifest: unknown;
  /** Members erased since the version was cut (as of now): still lineage, their bytes gone. */
  readonly erased: readonly Erasure[];
}

export async function versionCardFacts(db: Kysely<DatasetsDatabase>, versionId: string): Promise<E.Either<AnswerError, VersionCardFacts>> {
  const origin = await whereFromVersion(db, versionId);
  if (E.isLeft(origin)) return origin;
  const report = await licenses(db, versionId);
  if (E.isLeft(report)) return report;
  const v = origin.right.version;
  return E.right({
    origin: origin.right,
    kinds: await memberKinds(db, versionId),
    licenses: report.right,
    validation: await validationStats(db, versionId, v.memberCount),
    manifest: await manifestById(db, v.manifestId),
    erased: await erasedMembersOf(db, versionId),
  });
}
