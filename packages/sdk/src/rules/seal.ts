// Rule: a sealed batch is whole, in order, and is what its seal signed. A BatchSealed is followed
// in the log by exactly `count` CFs, each by the seal's signer and naming that seal with indexes
// 0, 1, ... in turn, and the RFC 6962 root over their ids is the root the seal signed. The SDK
// judges a batch's new events with it in batch order (they are appended in that order, nothing
// between them), and `cairn verify` the whole log in log order, so both name the same first bad event.
import { SealedIds } from '@cairn/core';
import { isSealed, type CairnEvent } from '@cairn/schemas';
import { ruleViolation, type RuleViolation } from '../errors.js';

/**
 * The root over the CFs that follow a seal in a batch, worked out before the batch is judged
 * (bulk ingest does it while the previous batch is appended). It stands for the root only if
 * the CFs the sequence meets are exactly these ids, in this order; otherwise the root is
 * computed from the CFs met.
 */
export interface SealRootAhead {
  readonly ids: readonly string[];
  readonly root: string;
}

interface OpenSeal {
  readonly id: string;
  readonly signer: string;
  readonly root: string;
  readonly expected: number;
  /** CFs met so far. */
  met: number;
  /** Their ids, packed as they come, unless the root worked out ahead still holds. */
  readonly ids: SealedIds;
  readonly index: number | undefined;
  /** The root worked out ahead, while every CF met so far is the one it was worked out over. */
  ahead: SealRootAhead | undefined;
}

export interface SealSequence {
  /**
   * Judges the next event in order (`index` is its place in a batch call, for errors); for a
   * seal, `ahead` may give the root over the CFs expected to follow it.
   */
  next(event: CairnEvent, eventId: string, index?: number, ahead?: SealRootAhead): RuleViolation | undefined;
  /** At the end of the batch or the log: a seal still waiting for CFs is missing them. */
  end(): RuleViolation | undefined;
}

/** Named at the seal: it promised more CFs than follow it. */
function incomplete(open: OpenSeal, what: string): RuleViolation {
  return ruleViolation(
    'seal-complete',
    'BatchSealed.payload.count',
    `seal ${open.id} covers ${open.expected} CFs but only ${open.met} follow it before ${what} (a CF is missing from the sealed batch)`,
    open.index,
  );
}

export function createSealSequence(): SealSequence {
  let open: OpenSeal | undefined;
  return {
    next(event, eventId, index, ahead) {
      if (open !== undefined && isSealed(event) && event.seal.id !== open.id)
        return ruleViolation(
          'seal-member',
          `${event.type}.seal.id`,
          `names seal ${event.seal.id}, but it stands where CF ${open.met} of seal ${open.id} belongs (a CF under the wrong seal)`,
          index,
        );
      if (open !== undefined && !isSealed(event)) return incomplete(open, `${event.type} ${eventId}`);
      if (event.type === 'BatchSealed') {
        open = {
          id: eventId,
          signer: event.signer,
          root: event.payload.root,
          expected: event.payload.count,
          met: 0,
          ids: new SealedIds(event.payload.count),
          index,
          ahead: ahead?.ids.length === event.payload.count ? ahead : undefined,
        };
        return undefined;
      }
      if (!isSealed(event)) return undefined;
      if (open === undefined)
        return ruleViolation(
          'seal-member',
          `${event.type}.seal.id`,
          `names seal ${event.seal.id}, but it does not follow that seal's batch (a CF added to a sealed batch, or moved out of it)`,
          index,
        );
      if (event.seal.index !== open.met)
        return ruleViolation(
          'seal-member',
          `${event.type}.seal.index`,
          `is CF ${open.met} of seal ${open.id} but says index ${event.seal.index} (the sealed batch is out of order)`,
          index,
        );
      if (event.signer !== open.signer)
        return ruleViolation(
          'seal-member',
          `${event.type}.signer`,
          `a sealed CF is signed by its seal's signer ${open.signer}, not ${event.signer}`,
          index,
        );
      if (open.ahead !== undefined && open.ahead.ids[open.met] !== eventId) {
        // Not the CF the root was worked out over: from here on the root is computed from what is met.
        for (let k = 0; k < open.met; k++) open.ids.push(open.ahead.ids[k]!);
        open.ahead = undefined;
      }
      if (open.ahead === undefined) open.ids.push(eventId);
      open.met += 1;
      if (open.met < open.expected) return undefined;
      const sealed = open;
      open = undefined;
      const root = sealed.ahead !== undefined ? sealed.ahead.root : sealed.ids.root();
      return root === sealed.root
        ? undefined
        : ruleViolation(
            'seal-root',
            'BatchSealed.payload.root',
            `the Merkle root over the ${sealed.expected} CFs of seal ${sealed.id} is ${root}, the seal signed ${sealed.root} (a CF was changed, swapped or replaced)`,
            sealed.index,
          );
    },
    end() {
      if (open === undefined) return undefined;
      const missing = incomplete(open, 'the end');
      open = undefined;
      return missing;
    },
  };
}
