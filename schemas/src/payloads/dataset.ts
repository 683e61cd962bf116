import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { described } from '../describe.js';
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

const BUILD_NONCE = /^[0-9a-f]{16,64}$/;

export interface BuildNonceBrand {
  readonly BuildNonce: unique symbol;
}
/** What makes one build request differ from an earlier one with the same signer, dataset and manifest. */
export const BuildNonce = described(
  t.brand(t.string, (s): s is t.Branded<string, BuildNonceBrand> => BUILD_NONCE.test(s), 'BuildNonce'),
  {
    expected: 'a build nonce (16 to 64 lowercase hex)',
    jsonSchema: {
      type: 'string',
      pattern: BUILD_NONCE.source,
      description: 'A build nonce: 16 to 64 lowercase hex characters, unique per request.',
    },
    define: true,
  },
);
export type BuildNonce = t.TypeOf<typeof BuildNonce>;

/**
 * "Select" a dataset: apply a defined manifest to the log up to this event's own position. The
 * position is the log's, so the resulting dataset version is deterministic.
 *
 * Event ids are content hashes, so without `nonce` a second request by the same signer for the
 * same manifest is the first event again and cuts nothing. The nonce only makes the request a new
 * event; the version never depends on it (same log prefix + same manifest => same version id).
 * Requests written before the nonce existed have none and still decode.
 */
export const DatasetBuildRequestedPayload = closed(
  'DatasetBuildRequestedPayload',
  { dataset: DatasetName, manifestId: Sha256Hex },
  { nonce: BuildNonce },
);
export type DatasetBuildRequestedPayload = t.TypeOf<typeof DatasetBuildRequestedPayload>;
