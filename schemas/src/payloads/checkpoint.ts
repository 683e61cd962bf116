import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { problemsOf } from '../decode/render.js';
import { closed } from '../combinators/closed.js';
import { list } from '../combinators/lists.js';
import { withRules, type RuleViolation } from '../combinators/rules.js';
import { PublicKeyHex, Sha256Hex, SignatureHex } from '../primitives/hex.js';
import { NonNegativeInt } from '../primitives/numbers.js';
import { IsoTimestamp } from '../primitives/text.js';

/** A log position as decimal text (positions are bigints), or null before the first event. */
const NullablePosition = t.union([t.null, t.refinement(t.string, (s) => /^(0|[1-9][0-9]*)$/.test(s), 'DecimalPosition')]);

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

/**
 * A tree head the ledger signs after every append call, kept outside the log (the store's
 * tree-heads file) and handed to readers and witnesses: the log's size and RFC 6962 root then,
 * and the ledger key that signed it. Witnesses cosign these same bytes.
 */
export const TreeHead = closed('TreeHead', {
  size: NonNegativeInt,
  root: Sha256Hex,
  timestamp: IsoTimestamp,
  /** The ledger's own Ed25519 key (made with the store, never a contributor's). */
  ledgerKey: PublicKeyHex,
});
export type TreeHead = t.TypeOf<typeof TreeHead>;

/** One line of a tree-heads file: a head signed by the ledger, with what the writer resumes from. */
export const SignedTreeHead = closed(
  'SignedTreeHead',
  { treeHead: TreeHead, signature: SignatureHex },
  {
    /** Log position of the head's last event (null for the empty log); not signed, only a resume hint. */
    position: NullablePosition,
    /** The perfect subtree roots of the tree (RFC 6962 compact range), so the writer resumes in O(log n). */
    frontier: list(Sha256Hex, { expected: 'a list of SHA-256 digests (64 lowercase hex)' }),
  },
);
export type SignedTreeHead = t.TypeOf<typeof SignedTreeHead>;

/** A witness's signature over a tree head's bytes: it saw that head and found it consistent. */
export const TreeHeadCosignature = closed('TreeHeadCosignature', { treeHead: TreeHead, witness: PublicKeyHex, signature: SignatureHex });
export type TreeHeadCosignature = t.TypeOf<typeof TreeHeadCosignature>;

/** One line of a tree-heads file, or one line per problem naming the field (`treeHead.root: …`). */
export function decodeTreeHeadLine(
  u: unknown,
): E.Either<string, { readonly head: SignedTreeHead } | { readonly cosignature: TreeHeadCosignature }> {
  const isCosignature = typeof u === 'object' && u !== null && 'cosignature' in u;
  const codec = isCosignature ? t.type({ cosignature: TreeHeadCosignature }) : SignedTreeHead;
  const result = codec.validate(u, [{ key: '', type: codec, actual: u }]);
  if (E.isLeft(result))
    return E.left(
      problemsOf(result.left, isCosignature ? 'cosignature line' : 'tree head')
        .map((p) => p.message)
        .join('; '),
    );
  return E.right('cosignature' in result.right ? { cosignature: result.right.cosignature } : { head: result.right });
}
