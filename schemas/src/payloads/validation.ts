import * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { list } from '../combinators/lists.js';
import { withRules, type RuleViolation } from '../combinators/rules.js';
import { CfId, Sha256Hex } from '../primitives/hex.js';
import { Probability } from '../primitives/numbers.js';
import { NonEmptyString } from '../primitives/text.js';
import { CfTargets } from './label.js';

export const Verdict = t.keyof({ approve: null, reject: null, score: null }, 'Verdict');
export type Verdict = t.TypeOf<typeof Verdict>;

/** Something a reviewer points at: a document, a report, an artifact by content hash. */
export const Evidence = closed('Evidence', { description: NonEmptyString }, { uri: NonEmptyString, contentHash: Sha256Hex });
export type Evidence = t.TypeOf<typeof Evidence>;

const ValidationFields = closed(
  'ValidationContributedPayload',
  { targets: CfTargets, verdict: Verdict, rationale: NonEmptyString },
  {
    score: Probability,
    evidence: list(Evidence, { expected: 'a list of evidence objects' }),
    amends: CfId,
    supersedes: CfId,
  },
);

/** A reviewer's verdict on earlier CFs; `score` is present exactly when the verdict is "score". */
export const ValidationContributedPayload = withRules(
  ValidationFields,
  [
    (v): RuleViolation[] =>
      v.verdict === 'score' && v.score === undefined
        ? [{ path: ['score'], expected: 'a probability (a number from 0 to 1) when verdict is "score"' }]
        : v.verdict !== 'score' && v.score !== undefined
          ? [{ path: ['score'], expected: `no score when verdict is "${v.verdict}"` }]
          : [],
  ],
  {
    if: { properties: { verdict: { const: 'score' } } },
    then: { required: ['score'] },
    else: { not: { required: ['score'] } },
  },
);
export type ValidationContributedPayload = t.TypeOf<typeof ValidationContributedPayload>;
