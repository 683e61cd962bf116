// The log half of `cairn verify`: every event's stored text must be the canonical JSON it was
// signed as, its id is recomputed from its signing bytes, every ledger rule is replayed with the
// SDK's own rule code against the ledger as it stood just before the event (signer and key at
// that position, authority, references, keys and names), its signature checked (Ed25519, RFC
// 8032 strict) against the key the rules name, its stream revision checked, and the Merkle root
// of each prefix a LogCheckpointed signed compared with the log as it is now (RFC 6962).
// Signatures go to a worker pool when asked for one, a batch at a time while the next batch is
// read; the first bad event is still the lowest position, whichever check found it. With a
// trusted head (verify --since) the events it covers are only re-hashed against its root.
import * as E from 'fp-ts/lib/Either.js';
import {
  canonicalize,
  eventCanonicalForms,
  fromHex,
  LeafHashes,
  sha256,
  signingBytes,
  toHex,
  verifyFast,
  type SignedEnvelopeFields,
} from '@cairn/core';
import type { EventLog, RecordedEvent } from '@cairn/eventlog';
import { decodeEvent, formatDecodeFailure, isSealed, type CairnEvent } from '@cairn/schemas';
import { describeLedgerError, type RuleName, type RuleViolation } from '../errors.js';
import { createLedgerReplay, replayEvent } from '../state/replay-state.js';
import { scanLog } from './scan-log.js';
import { createSealSequence } from '../rules/seal.js';
import { createVerifyPool, type SignatureCheck, type VerifyPool } from '../verify-pool.js';
import { createLeafHasher } from './leaf.js';
import { idOfStoredText } from './text-id.js';
import type { LoggedSamples } from '../sample-verify.js';

export interface BadEvent {
  readonly position: string;
  readonly eventId: string;
  readonly check:
    'readable' | 'canonical' | 'decodes' | 'id' | 'signature' | 'seal' | 'stream' | 'references' | 'rules' | 'checkpoint' | 'trusted';
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
  /** With a trusted head: the events before its size were held to its root, not checked one by one. */
  readonly trusted?: TrustedPrefix & { readonly ok: boolean };
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

/** A head the reader trusts already: the first `size` events of the log hashed to `root` when it was signed. */
export interface TrustedPrefix {
  readonly size: number;
  readonly root: string;
  /** Where the head came from (a checkpoint, a tree-head file), for the verdict. */
  readonly source: string;
}

export interface VerifyLogOptions {
  /** Worker threads checking signatures beside the reading (0 or absent: on this thread). */
  readonly workers?: number;
  /**
   * Events before the trusted head's size are held to its root instead of checked one by one:
   * each id is still recomputed from the stored event and its leaf hashed, so a change before the
   * head breaks its root, but no signature is checked nor rule replayed before it (the rules'
   * state is folded in unjudged, so what follows is judged as before).
   */
  readonly trusted?: TrustedPrefix;
  /** Every event that passes is folded into it, so the samples check need not read the log again. */
  readonly samples?: LoggedSamples;
}

/**
 * A batch with fewer signatures than this has them checked on this thread: a sealed log asks for
 * one per seal, and starting a worker for those few costs more than checking them here.
 */
const POOL_MIN = 64;

function signatureValid(check: SignatureCheck): boolean {
  const sig = fromHex(check.signature, 64);
  const pk = fromHex(check.publicKey, 32);
  return E.isRight(sig) && E.isRight(pk) && verifyFast(sig.right, check.message, pk.right);
}

/** The stored text as JSON, or undefined when it is not JSON (no check then finds what it needs). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One signature the rules asked for, checked later (on the pool) but reported in log order. */
interface PendingSignature {
  readonly event: RecordedEvent;
  readonly index: number;
  readonly signer: string;
  readonly check: SignatureCheck;
}

/** `leaves` receives every event's leaf, position and time (the tree-head and log-times checks reuse them). */
export async function verifyLog(
  log: EventLog,
  onProgress?: (done: number) => void,
  leaves: LeafHashes = new LeafHashes(),
  options: VerifyLogOptions = {},
): Promise<LogVerification> {
  const workers = options.workers ?? 0;
  const pool = workers > 0 ? createVerifyPool({ size: workers }) : undefined;
  try {
    return await verifyLogWith(log, onProgress, leaves, options.trusted, pool, options.samples);
  } finally {
    await pool?.close();
  }
}

async function verifyLogWith(
  log: EventLog,
  onProgress: ((done: number) => void) | undefined,
  leaves: LeafHashes,
  trusted: TrustedPrefix | undefined,
  pool: VerifyPool | undefined,
  samples: LoggedSamples | undefined,
): Promise<LogVerification> {
  // The ledger as the rules see it, replayed event by event with the SDK's own rule code.
  const replay = createLedgerReplay();
  // A seal's batch follows it in log order; a broken root or a batch cut short is the seal's fault.
  const seals = createSealSequence();
  let lastSeal: RecordedEvent | undefined;
  const revisions = new Map<string, bigint>();
  const leafHasher = createLeafHasher();
  const checkpoints: { position: string; size: number; root: string; ok: boolean }[] = [];
  let head: bigint | null = null;
  let trustedOk: boolean | undefined;
  const trustedOf = () => (trusted === undefined ? {} : { trusted: { ...trusted, ok: trustedOk ?? false } });
  const result = (firstBad: BadEvent | null, at?: { readonly index: number; readonly position: bigint }): LogVerification => {
    // A bad signature found on the pool is reported where it is: what follows it in the batch is not counted.
    if (at === undefined)
      return { events: leaves.size, head: head === null ? null : head.toString(), checkpoints, firstBad, ...trustedOf() };
    return {
      events: at.index,
      head: at.position.toString(),
      checkpoints: checkpoints.filter((c) => BigInt(c.position) < at.position),
      firstBad,
      ...trustedOf(),
    };
  };
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
  const badSignature = (p: PendingSignature) =>
    result(
      {
        position: p.event.position.toString(),
        eventId: p.event.id,
        check: 'signature',
        reason: `the Ed25519 signature does not verify against ${p.signer}'s key valid at position ${p.event.position}`,
      },
      { index: p.index, position: p.event.position },
    );
  const trustedMismatch = (): LogVerification => {
    const t = trusted!;
    trustedOk = false;
    return result({
      position: leaves.size >= t.size ? `first ${t.size}` : 'end',
      eventId: '',
      check: 'trusted',
      reason:
        leaves.size < t.size
          ? `the trusted head (${t.source}) covers ${t.size} events but the log has only ${leaves.size}: events were dropped`
          : `the Merkle root of the first ${t.size} events is ${leaves.rootOf(t.size)}, the trusted head (${t.source}) signed ${t.root}: an event before it was changed, dropped or reordered`,
    });
  };
  const checkTrusted = (): LogVerification | undefined => {
    if (trusted === undefined || trustedOk !== undefined || leaves.size !== trusted.size) return undefined;
    if (leaves.rootOf(trusted.size) !== trusted.root) return trustedMismatch();
    trustedOk = true;
    return undefined;
  };
  {
    const early = checkTrusted();
    if (early) return early;
  }

  // The previous batch's signatures, checked on the pool while this batch is read and replayed.
  let inFlight: Promise<PendingSignature | undefined> | undefined;
  const firstInvalid = async (pending: readonly PendingSignature[]): Promise<PendingSignature | undefined> => {
    if (pending.length === 0) return undefined;
    if (pending.length < POOL_MIN) return pending.find((p) => !signatureValid(p.check));
    const verdicts = await pool!.verify(pending.map((p) => p.check));
    const at = verdicts.indexOf(false);
    return at < 0 ? undefined : pending[at];
  };

  for await (const batch of scanLog(log)) {
    if (E.isLeft(batch)) {
      const earlier = await inFlight;
      if (earlier) return badSignature(earlier);
      return result({
        position: batch.left.after === null ? 'start' : `after ${batch.left.after}`,
        eventId: '',
        check: 'readable',
        reason: `the log cannot be read: ${batch.left._tag}${'reason' in batch.left ? `: ${batch.left.reason}` : ''}`,
      });
    }
    const pending: PendingSignature[] = [];
    let failed: LogVerification | undefined;
    for (const event of batch.right) {
      head = event.position;
      failed =
        trusted !== undefined && leaves.size < trusted.size
          ? trustedStep(event)
          : checkedStep(event, pool === undefined ? undefined : pending);
      if (failed) break;
    }
    // Lowest position first: the previous batch's signatures, then this batch's before its failure.
    const earlier = await inFlight;
    if (earlier) return badSignature(earlier);
    if (failed) {
      const invalid = await firstInvalid(pending);
      return invalid ? badSignature(invalid) : failed;
    }
    inFlight = pool === undefined ? undefined : firstInvalid(pending);
    // Keeps an unobserved rejection from escaping before it is awaited.
    inFlight?.catch(() => undefined);
    onProgress?.(leaves.size);
  }
  const last = await inFlight;
  if (last) return badSignature(last);
  if (trusted !== undefined && trustedOk === undefined) return trustedMismatch();
  const unfinished = seals.end();
  if (unfinished && lastSeal) return broken(lastSeal, unfinished);
  return result(null);

  /** Shared by both steps: stream order, checkpoints against the leaves so far, and the leaf. */
  function tail(
    event: RecordedEvent,
    type: string,
    payload: Record<string, unknown>,
    idBytes: Uint8Array,
    envelope: unknown,
  ): LogVerification | undefined {
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
    const leaf = leafHasher.leafOf(idBytes, envelope);
    if (leaf === null) return bad(event, 'id', 'id or signature is not well-formed hex');
    leaves.push(leaf, event);
    samples?.note(event);
    return checkTrusted();
  }

  /** An event under the trusted head: its id recomputed and its leaf hashed; its effects folded in unjudged. */
  function trustedStep(event: RecordedEvent): LogVerification | undefined {
    if (event.metadata !== undefined)
      return bad(event, 'canonical', 'the event carries metadata, which no signature covers (Cairn writes none)');
    // What is judged is the stored text (as the full check judges it), never another reading
    // of it the reader was handed. Its own hash first, with no payload re-encoded; a text that
    // does not prove the id that way is hashed the general way.
    const data = parsed(event.storedData) as { type?: unknown; signer?: unknown; payload?: unknown } | null | undefined;
    const fromText = data === undefined ? undefined : idOfStoredText(event.storedData);
    let idBytes = fromText !== undefined && fromText.id === event.id ? fromText.digest : undefined;
    const type = data?.type;
    const signer = data?.signer;
    const payload = data?.payload as Record<string, unknown> | undefined;
    if (typeof type !== 'string' || typeof signer !== 'string' || typeof payload !== 'object' || payload === null)
      return bad(event, 'decodes', 'the stored event has no type, signer or payload');
    if (event.type !== type) return bad(event, 'id', `the log row says type ${event.type}, the envelope says ${type}`);
    if (idBytes === undefined) {
      const bytes = signingBytes(type, payload, signer);
      const digest = E.isRight(bytes) ? sha256(bytes.right) : undefined;
      const id = digest === undefined ? undefined : toHex(digest);
      if (id !== event.id) return bad(event, 'id', `the event id is not the SHA-256 of its signing bytes (recomputed ${id ?? 'nothing'})`);
      idBytes = digest!;
    }
    // The head's root vouches for the event as it was admitted: its effects are folded in, unjudged.
    const cairnEvent = data as CairnEvent;
    replay.apply(cairnEvent, event.id, event.stream, event.position);
    const unsealed = seals.next(cairnEvent, event.id);
    if (unsealed) return broken(unsealed.rule === 'seal-member' ? event : (lastSeal ?? event), unsealed);
    if (type === 'BatchSealed') lastSeal = event;
    return tail(event, type, payload, idBytes, data);
  }

  /** An event checked in full; its signature goes to `pending` when a pool checks them. */
  function checkedStep(event: RecordedEvent, pending: PendingSignature[] | undefined): LogVerification | undefined {
    // The envelope's canonical text and its signing bytes come from one canonicalisation of the
    // payload; anything that path refuses is judged by the checks one at a time, as they report it.
    const forms =
      event.metadata === undefined && typeof event.data === 'object' && event.data !== null
        ? eventCanonicalForms(event.data as unknown as SignedEnvelopeFields)
        : undefined;
    const canonical = forms !== undefined && E.isRight(forms) && forms.right.envelope.text === event.storedData;
    if (!canonical) {
      const textProblem = notCanonical(event);
      if (textProblem !== undefined) return bad(event, 'canonical', textProblem);
    }
    const decoded = decodeEvent(event.data);
    if (E.isLeft(decoded)) return bad(event, 'decodes', formatDecodeFailure(decoded.left));
    const { type, signer } = decoded.right;
    // The signed bytes are those of the payload as stored, not as the codec re-shaped it.
    const stored = event.data as { type: unknown; signer: unknown; payload: Record<string, unknown> };
    const payload = stored.payload;
    if (event.type !== type) return bad(event, 'id', `the log row says type ${event.type}, the envelope says ${type}`);
    const bytes =
      canonical && stored.type === type && stored.signer === signer
        ? E.right((forms as E.Right<{ readonly signingBytes: Uint8Array }>).right.signingBytes)
        : signingBytes(type, payload, signer);
    const idBytes = E.isRight(bytes) ? sha256(bytes.right) : undefined;
    const id = idBytes === undefined ? undefined : toHex(idBytes);
    if (E.isLeft(bytes) || idBytes === undefined || id !== event.id)
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
      const signature = decoded.right.signature;
      if (pending !== undefined) {
        pending.push({ event, index: leaves.size, signer, check: { publicKey: key.right, signature, message: bytes.right } });
      } else {
        if (!signatureValid({ publicKey: key.right, signature, message: bytes.right }))
          return bad(
            event,
            'signature',
            `the Ed25519 signature does not verify against ${signer}'s key valid at position ${event.position}`,
          );
      }
    }
    return tail(event, type, payload, idBytes, event.data);
  }
}
