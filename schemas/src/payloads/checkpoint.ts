import type * as t from 'io-ts';
import { closed } from '../combinators/closed.js';
import { list } from '../combinators/lists.js';
import { withRules, type RuleViolation } from '../combinators/rules.js';
import { Sha256Hex } from '../primitives/hex.js';
import { NonNegativeInt } from '../primitives/numbers.js';
import { IsoTimestamp } from '../primitives/text.js';

const CheckpointFields = closed(
  'LogCheckpointedPayload',
  {
    /** Number of log events covered, from the first. */
    size: NonNegativeInt,
    /** RFC 6962 Merkle tree hash of those events (leaf/node domain separated). */
    root: Sha256Hex,
  },
  {
    /** The size of the previous checkpoint this one extends, with the RFC 6962 section 2.1.2 proof. */
    previousSize: NonNegativeInt,
    consistencyProof: list(Sha256Hex, { expected: 'a list of SHA-256 digests (64 lowercase hex)' }),
    /** When the tree head was made (RFC 6962 signed tree heads carry one). */
    timestamp: IsoTimestamp,
  },
);

/** A signed tree head over the log; the envelope's signature is the head's signature. */
export const LogCheckpointedPayload = withRules(
  CheckpointFields,
  [
    (c): RuleViolation[] =>
      c.consistencyProof !== undefined && c.previousSize === undefined
        ? [{ path: ['previousSize'], expected: 'the previous checkpoint size (required with a consistencyProof)' }]
        : [],
    (c): RuleViolation[] =>
      c.previousSize !== undefined && c.previousSize > c.size
        ? [{ path: ['previousSize'], expected: `a size no greater than size (${c.size})` }]
        : [],
  ],
  { dependentRequired: { consistencyProof: ['previousSize'] } },
);
export type LogCheckpointedPayload = t.TypeOf<typeof LogCheckpointedPayload>;
