import type * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { Manifest } from '../manifest/manifest.js';
import { Sha256Hex } from '../primitives/hex.js';
import { DatasetName, NonEmptyString } from '../primitives/text.js';

/**
 * The manifest is stored complete (every rule explicit, no defaults), so its id, the SHA-256 of
 * "cairn/v1/manifest\n" ++ its canonical JSON, does not depend on which defaults a reader knows.
 */
export const ManifestDefinedPayload = closed('ManifestDefinedPayload', { manifest: Manifest });
export type ManifestDefinedPayload = t.TypeOf<typeof ManifestDefinedPayload>;

export const DatasetDefinedPayload = closed('DatasetDefinedPayload', { name: DatasetName }, { description: NonEmptyString });
export type DatasetDefinedPayload = t.TypeOf<typeof DatasetDefinedPayload>;

/**
 * "Select" a dataset: apply a defined manifest to the log up to this event's own position. The
 * position is the log's, so the resulting dataset version is deterministic.
 */
export const DatasetBuildRequestedPayload = closed('DatasetBuildRequestedPayload', {
  dataset: DatasetName,
  manifestId: Sha256Hex,
});
export type DatasetBuildRequestedPayload = t.TypeOf<typeof DatasetBuildRequestedPayload>;
