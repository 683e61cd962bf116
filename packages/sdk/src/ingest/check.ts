// Step 3: the rules, item by item in batch order, against the log as loaded for this batch plus
// the effects of the batch's earlier items. Stops at the first violation (nothing of a rejected
// batch is appended, so there is no point judging the rest). Signatures are not verified here:
// this pass says which key each signature must verify against, and the verify pool does the rest.
// Size limits come first for an event new to the log: they need nothing from it, and an event
// past them is not worth judging further.
import type { EventLogError } from '@cairn/eventlog';
import * as E from 'fp-ts/lib/Either.js';
import type { RuleViolation } from '../errors.js';
import type { ContributorState } from '../state/contributor-state.js';
import { authorshipOf, isSealedAuthorship, type EventFact } from '../state/ledger-state.js';
import { createSealSequence, type SealRootAhead } from '../rules/seal.js';
import { isSealed } from '@cairn/schemas';
import { sealRootOf } from '@cairn/core';
import type { ContributorDirectory } from '../state/contributor-directory.js';
import { createLedgerReplay, replayEvent } from '../state/replay-state.js';
import { checkSampleBytes, type SampleAttachment } from '../rules/sample-bytes.js';
import type { BatchView } from '../rules/view.js';
import type { DecodedItem } from './decode.js';
import { placementOf, type Placement } from './streams.js';
import { checkSizeLimits } from '../limits.js';
import { sealBytes, type SealedBytes } from './seal-bytes.js';
import type { SizeLimits } from '@cairn/schemas';

export interface PendingItem extends DecodedItem {
  readonly index: number;
  readonly attachment?: SampleAttachment;
  /** The checks that depend on the item alone, judged ahead (see pureChecksOf); absent: judged here. */
  readonly pure?: PureChecks;
}

/**
 * The verdicts of the rules that need nothing but the item (its size limits, its sample bytes),
 * and its sample bytes sealed under a fresh key. Bulk ingest works them out while the previous
 * batch's append is in flight; checkBatch still asks for them in rule order, so the first
 * violation named is the same as when they are judged in turn.
 */
export interface PureChecks {
  readonly tooLarge: RuleViolation | undefined;
  readonly badBytes: RuleViolation | undefined;
  readonly sealed?: SealedBytes;
}

/**
 * Judges an item's pure checks now; its sample's bytes are kept sealed only when they pass them
 * (`sealedAhead`: sealed already, under these signing bytes, by the ingest pool).
 */
export function pureChecksOf(
  item: DecodedItem,
  attachment: SampleAttachment | undefined,
  index: number,
  limits: SizeLimits,
  sealedAhead?: SealedBytes,
): PureChecks {
  const tooLarge = checkSizeLimits(item.event, item.canonical.text, limits, index);
  const badBytes = checkSampleBytes(item.event, attachment, index);
  const sealed =
    tooLarge === undefined && badBytes === undefined && item.event.type === 'SampleContributed' && attachment !== undefined
      ? (sealedAhead ?? sealBytes(attachment.bytes, item.signingBytes))
      : undefined;
  return sealed ? { tooLarge, badBytes, sealed } : { tooLarge, badBytes };
}

export interface CheckedItem extends PendingItem {
  readonly placement: Placement;
  /** The key the signature must verify against; absent for an event already in the log. */
  readonly publicKey?: string;
  /** The identical event already in the log: appending it again is a no-op. */
  readonly existing?: EventFact;
}

export interface LoadedFacts {
  readonly contributors: ReadonlyMap<string, ContributorState>;
  readonly events: ReadonlyMap<string, EventFact>;
  readonly streams: ReadonlySet<string>;
  readonly founder: string | undefined;
  /** Who defined each dataset a build in the batch names (its first maintainer). */
  readonly datasetDefiners?: ReadonlyMap<string, string>;
  /** Sample id → the SampleErased that erased it, for the samples the batch's erasures name. */
  readonly erasures?: ReadonlyMap<string, string>;
  /** Every key and name ever registered; loaded only for batches that bring in keys or names. */
  readonly directory?: ContributorDirectory;
}

/** Position given to in-batch key windows: the real one is known only after the append. */
const PENDING = -1n;

type CheckFailure = RuleViolation | (EventLogError & { readonly index: number });

function viewOf(facts: LoadedFacts): BatchView {
  return {
    event: (id) => facts.events.get(id),
    contributor: (id) => facts.contributors.get(id),
    streamExists: (stream) => facts.streams.has(stream),
    founder: facts.founder,
    keyOwner: (publicKey) => facts.directory?.keys.get(publicKey),
    nameOwner: (name) => facts.directory?.names.get(name),
    datasetDefiner: (name) => facts.datasetDefiners?.get(name),
    erasedBy: (sampleId) => facts.erasures?.get(sampleId),
  };
}

/** A checked item, spelled out rather than spread: bulk ingest makes one per item. */
function checkedItem(item: PendingItem, placement: Placement, publicKey?: string, existing?: EventFact): CheckedItem {
  const { event, eventId, signingBytes, canonical, index, attachment, pure } = item;
  const checked: { -readonly [K in keyof CheckedItem]: CheckedItem[K] } = { event, eventId, signingBytes, canonical, index, placement };
  if (attachment !== undefined) checked.attachment = attachment;
  if (pure !== undefined) checked.pure = pure;
  if (publicKey !== undefined) checked.publicKey = publicKey;
  if (existing !== undefined) checked.existing = existing;
  return checked;
}

/**
 * For each seal in a batch followed by all its CFs, the root over their ids, worked out ahead
 * (bulk ingest does it while the previous batch is appended); the seal rule uses it only if the
 * CFs it meets are exactly these.
 */
export function sealRootsAhead(items: readonly DecodedItem[]): Map<string, SealRootAhead> {
  const roots = new Map<string, SealRootAhead>();
  for (let i = 0; i < items.length; i++) {
    const { event, eventId } = items[i]!;
    if (event.type !== 'BatchSealed') continue;
    const ids: string[] = [];
    for (let k = 0; k < event.payload.count && i + 1 + k < items.length; k++) {
      const cf = items[i + 1 + k]!;
      if (!isSealed(cf.event) || cf.event.seal.id !== eventId || cf.event.seal.index !== k) break;
      ids.push(cf.eventId);
    }
    if (ids.length !== event.payload.count) continue;
    const root = sealRootOf(ids);
    if (E.isRight(root)) roots.set(eventId, { ids, root: root.right });
  }
  return roots;
}

export function checkBatch(
  items: readonly PendingItem[],
  facts: LoadedFacts,
  limits: SizeLimits,
  rootsAhead?: ReadonlyMap<string, SealRootAhead>,
): E.Either<CheckFailure, CheckedItem[]> {
  const replay = createLedgerReplay(viewOf(facts));
  // Only new events are appended, in batch order with nothing between them, so a seal and its
  // CFs are judged as the log will hold them.
  const seals = createSealSequence();
  const checked: CheckedItem[] = [];
  for (const item of items) {
    const { event, eventId, index } = item;
    const placement = placementOf(event, eventId, (id) => replay.contributor(id)?.revision);
    const existing = facts.events.get(eventId);
    if (existing) {
      // The id already binds type, payload and signer: the same CF sealed once and now signed (or
      // the other way) is the same contribution, already appended. Two different signatures of one
      // form over the same bytes are not.
      const authorship = authorshipOf(event);
      const sameForm = isSealedAuthorship(existing.authorship) === isSealedAuthorship(authorship);
      if ((sameForm && existing.authorship !== authorship) || existing.type !== event.type || existing.stream !== placement.stream)
        return E.left({ _tag: 'DuplicateEventConflict', eventId, stream: placement.stream, existingStream: existing.stream, index });
      checked.push(checkedItem(item, placement, undefined, existing));
      continue;
    }
    const tooLarge = item.pure ? item.pure.tooLarge : checkSizeLimits(event, item.canonical.text, limits, index);
    if (tooLarge) return E.left(tooLarge);
    const unsealed = seals.next(event, eventId, index, rootsAhead?.get(eventId));
    if (unsealed) return E.left(unsealed);
    const key = replayEvent(replay, event, { eventId, stream: placement.stream, position: PENDING, index });
    if (E.isLeft(key)) return key;
    const violation = item.pure ? item.pure.badBytes : checkSampleBytes(event, item.attachment, index);
    if (violation) return E.left(violation);
    // A sealed CF has no signature of its own: its seal's, verified once, covers it.
    checked.push(checkedItem(item, placement, isSealed(event) ? undefined : key.right));
  }
  const unfinished = seals.end();
  return unfinished ? E.left(unfinished) : E.right(checked);
}
