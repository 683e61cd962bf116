// The training side's requests as HTTP carries them (run-facts.ts over a server): the server
// decodes with these, remote-runs.ts writes to them, and the OpenAPI document is generated from them.
import * as t from 'io-ts';
import { Hex64, pattern } from '@cairn/sdk';

/** A similarity in a query string: a decimal such as 0.8 or 1 (the range is checked by the read). */
export const Threshold = pattern('a decimal number such as 0.8', /^\d{1,3}(\.\d{1,20})?([eE][-+]?\d{1,3})?$/);
export const ContaminationQuery = t.exact(
  t.intersection([t.type({ train: t.string, against: t.string }), t.partial({ threshold: Threshold })]),
  'ContaminationQuery',
);
export const ArtifactKindText = t.keyof({ gradients: null, weights: null }, 'gradients | weights');
export const ArtifactQuery = t.exact(t.type({ kind: ArtifactKindText }), 'ArtifactQuery');
export const KeyRefusalQuery = t.exact(t.type({ publicKey: Hex64 }), 'KeyRefusalQuery');
/** The largest gradient artifact one upload may carry (bytes). */
export const MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;
