import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { list } from '../combinators/lists.js';
import { JsonObject } from '../primitives/json-value.js';
import { NonEmptyString } from '../primitives/text.js';
import { CfTargets } from './label.js';

export const TransformationKind = t.keyof(
  { filter: null, dedup: null, redaction: null, normalization: null, augmentation: null, other: null },
  'TransformationKind',
);
export type TransformationKind = t.TypeOf<typeof TransformationKind>;

/** One step applied on the way into the asset, with the parameters needed to repeat it. */
export const Transformation = closed('Transformation', { kind: TransformationKind, params: JsonObject }, { description: NonEmptyString });
export type Transformation = t.TypeOf<typeof Transformation>;

/** A reusable bundle of CFs; its id is the event id, its stream `asset-<id>`. */
export const AssetAssembledPayload = closed('AssetAssembledPayload', {
  name: NonEmptyString,
  members: CfTargets,
  /** In the order they were applied. */
  transformations: list(Transformation, { expected: 'a list of transformations' }),
});
export type AssetAssembledPayload = t.TypeOf<typeof AssetAssembledPayload>;
