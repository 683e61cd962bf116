// Every rule of the ledger that can be judged from the log alone, in one place: the SDK runs it
// on each item before append, and `cairn verify` on each event of the log in log order, so the
// two cannot disagree on what the ledger allows. (The sample-bytes rule needs the bytes, which
// never enter the log, so only the SDK can run it.) Answers the key the event's signature must
// verify against; checking the signature itself is left to the caller (a worker pool, or inline).
import * as E from 'fp-ts/lib/Either.js';
import type { CairnEvent } from '@cairn/schemas';
import { ruleViolation, type RuleViolation } from '../errors.js';
import { placementOf } from '../ingest/streams.js';
import { checkAuthority } from './authority.js';
import { checkContributorRules } from './contributor.js';
import { checkReferences } from './references.js';
import { signingKeyFor } from './signer.js';
import type { BatchView } from './view.js';

/** The event's stream as the ledger places it (the contributor revision does not change the stream). */
export function streamOf(event: CairnEvent, eventId: string): string {
  return placementOf(event, eventId, () => undefined).stream;
}

/**
 * Judges `event`, found on `stream`, against the ledger as it stands just before it. The
 * stream matters because state is read back by stream: a rotation filed on another
 * contributor's stream would change that contributor's keys.
 */
export function checkLedgerRules(
  event: CairnEvent,
  eventId: string,
  stream: string,
  view: BatchView,
  index?: number,
): E.Either<RuleViolation, string> {
  const expected = streamOf(event, eventId);
  if (stream !== expected)
    return E.left(
      ruleViolation('stream-placement', `${event.type}`, `a ${event.type} belongs on stream ${expected}, found on ${stream}`, index),
    );
  const key = signingKeyFor(event, view, index);
  if (E.isLeft(key)) return key;
  const violation = checkContributorRules(event, view, index) ?? checkReferences(event, view, index) ?? checkAuthority(event, view, index);
  return violation ? E.left(violation) : key;
}
