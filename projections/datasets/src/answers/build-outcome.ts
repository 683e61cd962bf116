// What a build request came to: the cut it made and whether that cut changed the dataset. A
// request is a new event every time (it carries a nonce), so "nothing changed" is told by the
// version, not by the request: the cut is the version the dataset already had.
import type { Kysely } from 'kysely';
import { datasetBuilds, type Build } from './versions.js';
import type { DatasetsDatabase } from '../tables.js';

export interface BuildOutcome {
  /** The cut the request made. */
  readonly build: Build;
  /** The dataset's latest cut before it (any manifest), or null for its first. */
  readonly previous: Build | null;
  /** True when the cut is the version the dataset was already at. */
  readonly unchanged: boolean;
}

/** The outcome of the build request `eventId` of `dataset`, or null while no cut names it. */
export async function buildOutcome(db: Kysely<DatasetsDatabase>, dataset: string, eventId: string): Promise<BuildOutcome | null> {
  const builds = await datasetBuilds(db, dataset);
  const at = builds.findIndex((b) => b.causeEventId === eventId && b.cause === 'requested');
  const build = builds[at];
  if (build === undefined) return null;
  // a request cuts one build at its own position, so the cut before it in log order is the previous one
  const previous = at > 0 ? builds[at - 1]! : null;
  return { build, previous, unchanged: previous !== null && previous.versionId === build.versionId };
}
