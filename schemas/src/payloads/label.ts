import type * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { list } from '../combinators/lists.js';
import { CfId } from '../primitives/hex.js';
import { JsonValue } from '../primitives/json-value.js';
import { NonEmptyString } from '../primitives/text.js';

/** The CFs a label or validation speaks about: at least one, each once. */
export const CfTargets = list(CfId, { expected: 'a non-empty list of distinct CfIds', nonEmpty: true, distinct: true });

/** A structured claim (class, box, attribute...) about one or more earlier CFs. */
export const LabelContributedPayload = closed(
  'LabelContributedPayload',
  {
    targets: CfTargets,
    /** What kind of claim: "class", "bbox", "toxicity"; a manifest can require label types. */
    labelType: NonEmptyString,
    value: JsonValue,
  },
  { rationale: NonEmptyString, amends: CfId, supersedes: CfId },
);
export type LabelContributedPayload = t.TypeOf<typeof LabelContributedPayload>;
