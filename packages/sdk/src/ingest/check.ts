// Step 3: the rules, item by item in batch order, against the log as loaded for this batch plus
// the effects of the batch's earlier items. Stops at the first violation (nothing of a rejected
// batch is appended, so there is no point judging the rest). Signatures are not verified here:
// this pass says which key each signature must verify against, and the verify pool does the rest.
import type { EventLogError } from '@cairn/eventlog';
import * as E from 'fp-ts/lib/Either.js';
import type { CairnEvent } from '@cairn/schemas';
import type { RuleViolation } from '../errors.js';
import { applyContributorEvent, type ContributorState } from '../state/contributor-state.js';
import type { EventFact } from '../state/ledger-state.js';
import { checkAuthority } from '../rules/authority.js';
import { checkContributorRules } from '../rules/contributor.js';
import { checkReferences } from '../rules/references.js';
import { checkSampleBytes, type SampleAttachment } from '../rules/sample-bytes.js';
import { signingKeyFor } from '../rules/signer.js';
import type { BatchView, KnownEvent } from '../rules/view.js';
import type { DecodedItem } from './decode.js';
import { placementOf, type Placement } from './streams.js';

export interface PendingItem extends DecodedItem {
  readonly index: number;
  readonly attachment?: SampleAttachment;
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
}

/** Position given to in-batch key windows: the real one is known only after the append. */
const PENDING = -1n;

type CheckFailure = RuleViolation | (EventLogError & { readonly index: number });

export function checkBatch(items: readonly PendingItem[], facts: LoadedFacts): E.Either<CheckFailure, CheckedItem[]> {
  const batchEvents = new Map<string, KnownEvent>();
  const contributors = new Map(facts.contributors);
  const streams = new Set(facts.streams);
  const view: BatchView = {
    event: (id) => batchEvents.get(id) ?? facts.events.get(id),
    contributor: (id) => contributors.get(id),
    streamExists: (stream) => streams.has(stream),
    founder: facts.founder,
  };
  const checked: CheckedItem[] = [];
  for (const item of items) {
    const { event, eventId, index } = item;
    const placement = placementOf(event, eventId, (id) => contributors.get(id)?.revision);
    const existing = facts.events.get(eventId);
    if (existing) {
      if (existing.signature !== event.signature || existing.type !== event.type || existing.stream !== placement.stream)
        return E.left({ _tag: 'DuplicateEventConflict', eventId, stream: placement.stream, existingStream: existing.stream, index });
      checked.push({ ...item, placement, existing });
      continue;
    }
    const key = signingKeyFor(event, view, index);
    if (E.isLeft(key)) return key;
    const violation =
      checkContributorRules(event, view, index) ??
      checkReferences(event, view, index) ??
      checkAuthority(event, view, index) ??
      checkSampleBytes(event, item.attachment, index);
    if (violation) return E.left(violation);
    checked.push({ ...item, placement, publicKey: key.right });
    apply(event, eventId, placement, contributors, batchEvents, streams);
  }
  return E.right(checked);
}

function apply(
  event: CairnEvent,
  eventId: string,
  placement: Placement,
  contributors: Map<string, ContributorState>,
  batchEvents: Map<string, KnownEvent>,
  streams: Set<string>,
): void {
  batchEvents.set(eventId, { type: event.type, signer: event.signer });
  streams.add(placement.stream);
  const owner = placement.stream.startsWith('contributor-') ? placement.stream.slice('contributor-'.length) : undefined;
  if (owner === undefined) return;
  const before = contributors.get(owner);
  const after = applyContributorEvent(owner, before, event, PENDING, before === undefined ? 0n : before.revision + 1n);
  if (after) contributors.set(owner, after);
}
