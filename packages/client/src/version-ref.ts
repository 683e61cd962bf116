// NAME@VERSION: a dataset and one of its versions, by ordinal (1 = the first version ever cut),
// `latest` (or nothing after @), a full version id, or a unique prefix of one (6+ hex chars).
import * as E from 'fp-ts/lib/Either.js';
import { type ProjectionStore } from '@cairn/projector';
import { datasetBuilds, type Build } from '@cairn/datasets';
import type { VersionId } from '@cairn/schemas';
import { quoteInput, type RefError, type UsageError } from './errors.js';

export interface VersionRef {
  readonly dataset: string;
  readonly version: string;
}

export interface ResolvedVersion {
  readonly dataset: string;
  readonly versionId: VersionId;
  /** 1-based: the order in which the dataset's distinct versions were first cut. */
  readonly ordinal: number;
  readonly manifestId: string;
  readonly position: bigint;
}

export function parseVersionRef(text: string, field = 'NAME@VERSION'): E.Either<UsageError, VersionRef> {
  const at = text.lastIndexOf('@');
  const dataset = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? 'latest' : text.slice(at + 1) || 'latest';
  if (dataset === '')
    return E.left({
      _tag: 'UsageError',
      field,
      reason: 'missing dataset name',
      message: `${field}: missing the dataset name in ${quoteInput(text)}`,
    });
  return E.right({ dataset, version });
}

/** The dataset's distinct versions in the order they were first cut (at or before `upTo`; null: none). */
export function distinctVersions(builds: readonly Build[], upTo?: bigint | null): ResolvedVersion[] {
  const seen = new Map<string, ResolvedVersion>();
  for (const b of builds) {
    if (upTo !== undefined && (upTo === null || b.position > upTo)) continue;
    if (!seen.has(b.versionId))
      seen.set(b.versionId, {
        dataset: b.dataset,
        versionId: b.versionId,
        ordinal: seen.size + 1,
        manifestId: b.manifestId,
        position: b.position,
      });
  }
  return [...seen.values()];
}

/** Resolves a parsed reference against the dataset's builds, as of a position (undefined: now; null: before the first event). */
export async function resolveVersionRef(
  db: ProjectionStore['db'],
  ref: VersionRef,
  asOfPosition?: bigint | null,
): Promise<E.Either<RefError, ResolvedVersion>> {
  const builds = await datasetBuilds(db, ref.dataset);
  const versions = distinctVersions(builds, asOfPosition);
  const label = `${ref.dataset}@${ref.version}`;
  const notFound = (why: string): E.Either<RefError, ResolvedVersion> =>
    E.left({ _tag: 'VersionNotFound', versionId: ref.version, message: `${label}: ${why}` });
  if (versions.length === 0)
    return notFound(`dataset ${quoteInput(ref.dataset)} has no built version${asOfPosition !== undefined ? ' as of that position' : ''}`);
  if (ref.version === 'latest') {
    // The latest cut overall, not the latest new id: a rebuild that lands on an older id makes it current again.
    const last = builds.filter((b) => asOfPosition === undefined || (asOfPosition !== null && b.position <= asOfPosition)).at(-1);
    const found = versions.find((v) => v.versionId === last?.versionId);
    return found ? E.right(found) : notFound('no version');
  }
  if (/^\d{1,5}$/.test(ref.version)) {
    const found = versions[Number(ref.version) - 1];
    return found ? E.right(found) : notFound(`there are ${versions.length} versions`);
  }
  if (/^[0-9a-f]{6,64}$/.test(ref.version)) {
    const matches = versions.filter((v) => v.versionId.startsWith(ref.version));
    if (matches.length === 1) return E.right(matches[0]!);
    return notFound(matches.length === 0 ? 'no version with that id' : 'that prefix names several versions; give more of the id');
  }
  return E.left({
    _tag: 'UsageError',
    field: 'VERSION',
    reason: 'expected an ordinal, latest, or a version id (prefix)',
    message: `${label}: VERSION is an ordinal (1, 2, ...), latest, or a version id or prefix of 6+ hex chars`,
  });
}
