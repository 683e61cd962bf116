// `cairn verify`, the log half: every event's id is recomputed from its signing bytes, its
// signature checked (Ed25519, RFC 8032 strict) against the signer's key valid at that position,
// its stream and revision checked, its references checked to point backwards, and the Merkle
// root of each prefix a LogCheckpointed signed compared with the log as it is now (RFC 6962).
import * as E from 'fp-ts/lib/Either.js';
import { contributorIdOf, eventIdOf, fromHex, signingBytes, verify } from '@cairn/core';
import type { EventLog, RecordedEvent } from '@cairn/eventlog';
import { CF_EVENT_TYPES, decodeEvent, formatDecodeFailure } from '@cairn/schemas';
import { currentKey, foldContributor, type ContributorState } from '@cairn/sdk';
import { CHECKPOINT_STREAM_NAME, LeafHashes, logLeafHash } from './log-checkpoint.js';
import { scanLog } from './log-scan.js';

export interface BadEvent {
  readonly position: string;
  readonly eventId: string;
  readonly check: 'readable' | 'decodes' | 'id' | 'signature' | 'stream' | 'references' | 'checkpoint';
  readonly reason: string;
}

export interface LogVerification {
  readonly events: number;
  readonly head: string | null;
  readonly checkpoints: readonly { readonly position: string; readonly size: number; readonly root: string; readonly ok: boolean }[];
  /** The first bad event (verification stops there: what follows cannot be trusted either). */
  readonly firstBad: BadEvent | null;
}

const CF_TYPES: ReadonlySet<string> = new Set(CF_EVENT_TYPES);

/** The ids an event points at, which must already be in the log. */
function referencesOf(type: string, payload: Record<string, unknown>): string[] {
  const refs: string[] = [];
  const add = (v: unknown) => typeof v === 'string' && refs.push(v);
  if (Array.isArray(payload.targets)) payload.targets.forEach(add);
  add(payload.amends);
  add(payload.supersedes);
  if (type === 'ContributionDeprecated') add(payload.target);
  if (type === 'SampleErased') add(payload.sample);
  if (type === 'AssetAssembled' && Array.isArray(payload.members)) payload.members.forEach(add);
  return refs;
}

/** `leaves` receives every event's leaf, position and time (the tree-head and log-times checks reuse them). */
export async function verifyLog(log: EventLog, onProgress?: (done: number) => void, leaves: LeafHashes = new LeafHashes()): Promise<LogVerification> {
  const contributors = new Map<string, ContributorState>();
  const seen = new Set<string>();
  const revisions = new Map<string, bigint>();
  const checkpoints: { position: string; size: number; root: string; ok: boolean }[] = [];
  let head: bigint | null = null;
  const result = (firstBad: BadEvent | null): LogVerification => ({ events: leaves.size, head: head === null ? null : head.toString(), checkpoints, firstBad });
  const bad = (event: RecordedEvent, check: BadEvent['check'], reason: string) =>
    result({ position: event.position.toString(), eventId: event.id, check, reason });

  for await (const batch of scanLog(log)) {
    if (E.isLeft(batch)) {
      return result({ position: batch.left.after === null ? 'start' : `after ${batch.left.after}`, eventId: '', check: 'readable', reason: `the log cannot be read: ${batch.left._tag}${'reason' in batch.left ? `: ${batch.left.reason}` : ''}` });
    }
    for (const event of batch.right) {
      head = event.position;
      const decoded = decodeEvent(event.data);
      if (E.isLeft(decoded)) return bad(event, 'decodes', formatDecodeFailure(decoded.left));
      const { type, signer, signature } = decoded.right;
      // The signed bytes are those of the payload as stored, not as the codec re-shaped it.
      const payload = (event.data as { payload: Record<string, unknown> }).payload;
      if (event.type !== type) return bad(event, 'id', `the log row says type ${event.type}, the envelope says ${type}`);
      const id = eventIdOf(type, payload, signer);
      if (E.isLeft(id) || id.right !== event.id) return bad(event, 'id', `the event id is not the SHA-256 of its signing bytes (recomputed ${E.isRight(id) ? id.right : 'nothing'})`);

      let key: string | undefined;
      if (type === 'ContributorRegistered') {
        key = String(payload.publicKey);
        const pk = fromHex(key, 32);
        const derived: string | null = E.isRight(pk) ? E.getOrElseW(() => null)(contributorIdOf(pk.right)) : null;
        if (derived !== signer) return bad(event, 'signature', 'a registration must be signed by the contributor its own key derives');
      } else {
        const state = contributors.get(signer);
        if (state === undefined) return bad(event, 'signature', `signer ${signer} is not registered before position ${event.position}`);
        key = currentKey(state);
        if (key === undefined) return bad(event, 'signature', `signer ${signer} has no valid key at position ${event.position} (revoked)`);
      }
      const bytes = signingBytes(type, payload, signer);
      const sig = fromHex(signature, 64);
      const pk = fromHex(key, 32);
      if (E.isLeft(bytes) || E.isLeft(sig) || E.isLeft(pk) || !verify(sig.right, bytes.right, pk.right))
        return bad(event, 'signature', `the Ed25519 signature does not verify against ${signer}'s key valid at position ${event.position}`);

      if (CF_TYPES.has(type) && event.stream !== `cf-${event.id}`) return bad(event, 'stream', `a CF belongs on stream cf-${event.id}, found on ${event.stream}`);
      if (type === 'LogCheckpointed' && event.stream !== CHECKPOINT_STREAM_NAME) return bad(event, 'stream', `a checkpoint belongs on ${CHECKPOINT_STREAM_NAME}`);
      const expected = (revisions.get(event.stream) ?? -1n) + 1n;
      if (event.revision !== expected) return bad(event, 'stream', `stream ${event.stream} jumps to revision ${event.revision}, expected ${expected} (an event is missing or out of order)`);
      revisions.set(event.stream, event.revision);
      for (const ref of referencesOf(type, payload))
        if (!seen.has(ref)) return bad(event, 'references', `it references ${ref}, which is not earlier in the log`);

      if (type === 'LogCheckpointed') {
        const { size, root } = payload as { size: number; root: string };
        const ok = size <= leaves.size && leaves.rootOf(size) === root;
        checkpoints.push({ position: event.position.toString(), size, root, ok });
        if (!ok) {
          return bad(event, 'checkpoint', size > leaves.size
            ? `the checkpoint covers ${size} events but only ${leaves.size} precede it`
            : `the Merkle root of the first ${size} events is ${leaves.rootOf(size)}, the checkpoint signed ${root}: an earlier event was changed, dropped or reordered`);
        }
      }
      const leaf = logLeafHash(event);
      if (leaf === null) return bad(event, 'id', 'id or signature is not well-formed hex');
      leaves.push(leaf, event);
      seen.add(event.id);
      if (type.startsWith('Contributor')) {
        // Role events live on the grantee's stream and change the grantee's state.
        const target = type === 'ContributorRoleGranted' || type === 'ContributorRoleRevoked' ? String(payload.contributor) : signer;
        const next = foldContributor(target, [event], contributors.get(target));
        if (next !== undefined) contributors.set(target, next);
      }
    }
    onProgress?.(leaves.size);
  }
  return result(null);
}
