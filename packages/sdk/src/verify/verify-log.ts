// The log half of `cairn verify`: every event's stored text must be the canonical JSON it was
// signed as, its id is recomputed from its signing bytes, every ledger rule is replayed with the
// SDK's own rule code against the ledger as it stood just before the event (signer and key at
// that position, authority, references, keys and names), its signature checked (Ed25519, RFC
// 8032 strict) against the key the rules name, its stream revision checked, and the Merkle root
// of each prefix a LogCheckpointed signed compared with the log as it is now (RFC 6962).
import * as E from 'fp-ts/lib/Either.js';
import { canonicalize, eventLeafHash, fromHex, LeafHashes, sha256Hex, signingBytes, verify } from '@cairn/core';
import type { EventLog, RecordedEvent } from '@cairn/eventlog';
import { decodeEvent, formatDecodeFailure, isSealed } from '@cairn/schemas';
import { describeLedgerError, type RuleName, type RuleViolation } from '../errors.js';
import { createLedgerReplay, replayEvent } from '../state/replay-state.js';
import { scanLog } from './scan-log.js';
import { createSealSequence } from '../rules/seal.js';

export interface BadEvent {
  readonly position: string;
  readonly eventId: string;
  readonly check: 'readable' | 'canonical' | 'decodes' | 'id' | 'signature' | 'seal' | 'stream' | 'references' | 'rules' | 'checkpoint';
  /** The ledger rule the event breaks, when a rule is what failed. */
  readonly rule?: RuleName;
  readonly reason: string;
}

export interface LogVerification {
  readonly events: number;
  readonly head: string | null;
  readonly checkpoints: readonly { readonly position: string; readonly size: number; readonly root: string; readonly ok: boolean }[];
  /** The first bad event (verification stops there: what follows cannot be trusted either). */
  readonly firstBad: BadEvent | null;
}

/** The check a broken rule is reported under (the names `verify` used before it replayed every rule). */
function checkOf(rule: RuleName): BadEvent['check'] {
  switch (rule) {
    case 'stream-placement':
      return 'stream';
    case 'signer-registered':
    case 'signer-key-current':
    case 'registration-self-signed':
      return 'signature';
    case 'reference-exists':
    case 'reference-kind':
    case 'amend-same-kind':
    case 'dataset-exists':
      return 'references';
    case 'seal-member':
    case 'seal-complete':
    case 'seal-root':
      return 'seal';
    default:
      return 'rules';
  }
}

/** Why the stored text is not the canonical form of what it parses to, or undefined when it is. */
function notCanonical(event: RecordedEvent): string | undefined {
  // Cairn writes no metadata: nothing signs it, so a reader must not be handed any.
  if (event.metadata !== undefined) return 'the event carries metadata, which no signature covers (Cairn writes none)';
  const canonical = canonicalize(event.data);
  if (E.isLeft(canonical)) return `the stored event has no canonical form (RFC 8785): ${canonical.left.path}: ${canonical.left.reason}`;
  const stored = event.storedData;
  if (canonical.right === stored) return undefined;
  let at = 0;
  while (at < stored.length && stored[at] === canonical.right[at]) at++;
  return `the stored text is not the canonical JSON (RFC 8785) its signature was made over: it differs at character ${at} (${JSON.stringify(stored.slice(at, at + 12))}, canonical ${JSON.stringify(canonical.right.slice(at, at + 12))})`;
}

/** `leaves` receives every event's leaf, position and time (the tree-head and log-times checks reuse them). */
export async function verifyLog(
  log: EventLog,
  onProgress?: (done: number) => void,
  leaves: LeafHashes = new LeafHashes(),
): Promise<LogVerification> {
  // The ledger as the rules see it, replayed event by event with the SDK's own rule code.
  const replay = createLedgerReplay();
  // A seal's batch follows it in log order; a broken root or a batch cut short is the seal's fault.
  const seals = createSealSequence();
  let lastSeal: RecordedEvent | undefined;
  const revisions = new Map<string, bigint>();
  const checkpoints: { position: string; size: number; root: string; ok: boolean }[] = [];
  let head: bigint | null = null;
  const result = (firstBad: BadEvent | null): LogVerification => ({
    events: leaves.size,
    head: head === null ? null : head.toString(),
    checkpoints,
    firstBad,
  });
  const bad = (event: RecordedEvent, check: BadEvent['check'], reason: string) =>
    result({ position: event.position.toString(), eventId: event.id, check, reason });
  const broken = (event: RecordedEvent, violation: RuleViolation) =>
    result({
      position: event.position.toString(),
      eventId: event.id,
      check: checkOf(violation.rule),
      rule: violation.rule,
      reason: describeLedgerError(violation),
    });

  for await (const batch of scanLog(log)) {
    if (E.isLeft(batch)) {
      return result({
        position: batch.left.after === null ? 'start' : `after ${batch.left.after}`,
        eventId: '',
        check: 'readable',
        reason: `the log cannot be read: ${batch.left._tag}${'reason' in batch.left ? `: ${batch.left.reason}` : ''}`,
      });
    }
    for (const event of batch.right) {
      head = event.position;
      const textProblem = notCanonical(event);
      if (textProblem !== undefined) return bad(event, 'canonical', textProblem);
      const decoded = decodeEvent(event.data);
      if (E.isLeft(decoded)) return bad(event, 'decodes', formatDecodeFailure(decoded.left));
      const { type, signer } = decoded.right;
      // The signed bytes are those of the payload as stored, not as the codec re-shaped it.
      const payload = (event.data as { payload: Record<string, unknown> }).payload;
      if (event.type !== type) return bad(event, 'id', `the log row says type ${event.type}, the envelope says ${type}`);
      const bytes = signingBytes(type, payload, signer);
      const id: string | undefined = E.isRight(bytes) ? sha256Hex(bytes.right) : undefined;
      if (E.isLeft(bytes) || id !== event.id)
        return bad(event, 'id', `the event id is not the SHA-256 of its signing bytes (recomputed ${id ?? 'nothing'})`);

      // Every rule the SDK enforced before append, against the ledger as it stood just before this event.
      const key = replayEvent(replay, decoded.right, { eventId: event.id, stream: event.stream, position: event.position });
      if (E.isLeft(key)) return broken(event, key.left);
      const unsealed = seals.next(decoded.right, event.id);
      if (unsealed) return broken(unsealed.rule === 'seal-member' ? event : (lastSeal ?? event), unsealed);
      if (type === 'BatchSealed') lastSeal = event;
      // A sealed CF is signed by its seal: the seal's signature was verified once, and the root
      // over its batch's ids is checked when the batch is complete.
      if (!isSealed(decoded.right)) {
        const sig = fromHex(decoded.right.signature, 64);
        const pk = fromHex(key.right, 32);
        if (E.isLeft(sig) || E.isLeft(pk) || !verify(sig.right, bytes.right, pk.right))
          return bad(
            event,
            'signature',
            `the Ed25519 signature does not verify against ${signer}'s key valid at position ${event.position}`,
          );
      }

      const expected = (revisions.get(event.stream) ?? -1n) + 1n;
      if (event.revision !== expected)
        return bad(
          event,
          'stream',
          `stream ${event.stream} jumps to revision ${event.revision}, expected ${expected} (an event is missing or out of order)`,
        );
      revisions.set(event.stream, event.revision);

      if (type === 'LogCheckpointed') {
        const { size, root } = payload as { size: number; root: string };
        const ok = size <= leaves.size && leaves.rootOf(size) === root;
        checkpoints.push({ position: event.position.toString(), size, root, ok });
        if (!ok) {
          return bad(
            event,
            'checkpoint',
            size > leaves.size
              ? `the checkpoint covers ${size} events but only ${leaves.size} precede it`
              : `the Merkle root of the first ${size} events is ${leaves.rootOf(size)}, the checkpoint signed ${root}: an earlier event was changed, dropped or reordered`,
          );
        }
      }
      const leaf = eventLeafHash(event);
      if (leaf === null) return bad(event, 'id', 'id or signature is not well-formed hex');
      leaves.push(leaf, event);
    }
    onProgress?.(leaves.size);
  }
  const unfinished = seals.end();
  if (unfinished && lastSeal) return broken(lastSeal, unfinished);
  return result(null);
}
