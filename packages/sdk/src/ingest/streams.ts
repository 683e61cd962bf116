// Which stream each event goes to, and what the writer expects of it (design: the envelope).
// CFs go to `cf-<id>` with "no stream", so a replayed CF is a no-op and a forged second event
// in a CF's stream is impossible; later facts about a CF (deprecation, erasure) go to the same
// stream so its history reads in one place.
import * as E from 'fp-ts/lib/Either.js';
import { ExpectedRevision } from '@cairn/eventlog';
import type { CairnEvent } from '@cairn/schemas';
import { contentIdOf } from '@cairn/core';

export interface Placement {
  readonly stream: string;
  readonly expectedRevision: ExpectedRevision;
}

export const contributorStream = (contributorId: string) => `contributor-${contributorId}`;
export const cfStream = (cfId: string) => `cf-${cfId}`;
export const datasetStream = (name: string) => `dataset-${name}`;
export const manifestStream = (manifestId: string) => `manifest-${manifestId}`;
export const runStream = (runId: string) => `run-${runId}`;
export const assetStream = (assetId: string) => `asset-${assetId}`;
export const sealStream = (sealId: string) => `seal-${sealId}`;
export const CHECKPOINT_STREAM = 'log-checkpoints';

/** A manifest's id: SHA-256 of "cairn/v1/manifest\n" ++ its canonical JSON. */
export function manifestIdOf(manifest: unknown): string {
  const id = contentIdOf('manifest', manifest);
  // The manifest has just been decoded by its codec, so it always has a canonical form.
  if (E.isLeft(id)) throw new Error(`decoded manifest has no canonical form: ${id.left.reason}`);
  return id.right;
}

/**
 * Contributor streams are written at an exact revision (the one the rules were checked
 * against) so that a concurrent rotation or revocation makes this append fail rather than
 * slip in behind a stale view of the keys.
 */
export function placementOf(event: CairnEvent, eventId: string, contributorRevision: (id: string) => bigint | undefined): Placement {
  const exactOrNone = (id: string): Placement => {
    const revision = contributorRevision(id);
    return {
      stream: contributorStream(id),
      expectedRevision: revision === undefined ? ExpectedRevision.noStream : ExpectedRevision.exact(revision),
    };
  };
  switch (event.type) {
    case 'ContributorRegistered':
      return { stream: contributorStream(event.signer), expectedRevision: ExpectedRevision.noStream };
    case 'ContributorKeyRotated':
    case 'ContributorKeyRevoked':
      return exactOrNone(event.signer);
    case 'ContributorRoleGranted':
    case 'ContributorRoleRevoked':
      return exactOrNone(event.payload.contributor);
    case 'SampleContributed':
    case 'LabelContributed':
    case 'ValidationContributed':
      return { stream: cfStream(eventId), expectedRevision: ExpectedRevision.noStream };
    case 'ContributionDeprecated':
      return { stream: cfStream(event.payload.target), expectedRevision: ExpectedRevision.streamExists };
    case 'SampleErased':
      return { stream: cfStream(event.payload.sample), expectedRevision: ExpectedRevision.streamExists };
    case 'AssetAssembled':
      return { stream: assetStream(eventId), expectedRevision: ExpectedRevision.noStream };
    case 'ManifestDefined':
      return { stream: manifestStream(manifestIdOf(event.payload.manifest)), expectedRevision: ExpectedRevision.any };
    case 'DatasetDefined':
      return { stream: datasetStream(event.payload.name), expectedRevision: ExpectedRevision.noStream };
    case 'DatasetBuildRequested':
      return { stream: datasetStream(event.payload.dataset), expectedRevision: ExpectedRevision.streamExists };
    case 'TrainingRunRecorded':
      return { stream: runStream(event.payload.runId), expectedRevision: ExpectedRevision.noStream };
    case 'GradientsRecorded':
      return { stream: runStream(event.payload.runId), expectedRevision: ExpectedRevision.streamExists };
    case 'LogCheckpointed':
      return { stream: CHECKPOINT_STREAM, expectedRevision: ExpectedRevision.any };
    case 'BatchSealed':
      return { stream: sealStream(eventId), expectedRevision: ExpectedRevision.noStream };
  }
}
