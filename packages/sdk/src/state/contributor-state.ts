// A contributor as the log says it is: its keys with the log positions where each became and
// stopped being valid, and its roles. Validity is anchored to log position, never to a
// wall-clock time a signer could claim: a key signs for positions in [validFrom, validUntil).
import type { LogPosition, RecordedEvent } from '@cairn/eventlog';

/** A ledger-wide role; `maintainer` is granted per dataset and kept in `maintains`. */
export type Role = 'curator' | 'admin' | 'reader' | 'steward';
/** What a ContributorRoleGranted may name: a ledger-wide role, or maintainer (with its dataset). */
export type GrantableRole = Role | 'maintainer';

export interface KeyWindow {
  readonly publicKey: string;
  /** Position of the event that made this key current. */
  readonly validFrom: LogPosition;
  /** Position of the rotation or revocation that ended it; absent while current. */
  readonly validUntil?: LogPosition;
  readonly endedBy?: 'rotation' | 'revocation';
}

export interface ContributorState {
  readonly contributorId: string;
  readonly name: string;
  readonly keys: readonly KeyWindow[];
  readonly roles: ReadonlySet<Role>;
  /** The datasets this contributor was granted the maintainer role for. */
  readonly maintains: ReadonlySet<string>;
  /** Revision of the last event folded in: the expected revision of the next append. */
  readonly revision: bigint;
}

/** The part of an envelope the fold reads. */
export interface ContributorEnvelope {
  readonly type: string;
  readonly payload: unknown;
  readonly signer: string;
}

/** The key that signs new events now, if any (none after a revocation of the current key). */
export function currentKey(state: ContributorState): string | undefined {
  const last = state.keys[state.keys.length - 1];
  return last !== undefined && last.validUntil === undefined ? last.publicKey : undefined;
}

/** Whether `publicKey` could sign an event at `position` (for auditing events already in the log). */
export function keyValidAt(state: ContributorState, publicKey: string, position: LogPosition): boolean {
  return state.keys.some(
    (k) => k.publicKey === publicKey && k.validFrom <= position && (k.validUntil === undefined || position < k.validUntil),
  );
}

/** One step of the fold: the state after `envelope`, recorded at `position` with `revision`. */
export function applyContributorEvent(
  contributorId: string,
  state: ContributorState | undefined,
  envelope: ContributorEnvelope,
  position: LogPosition,
  revision: bigint,
): ContributorState | undefined {
  const payload = envelope.payload as Record<string, unknown>;
  switch (envelope.type) {
    case 'ContributorRegistered':
      return {
        contributorId,
        name: String(payload.name),
        keys: [{ publicKey: String(payload.publicKey), validFrom: position }],
        roles: new Set(),
        maintains: new Set(),
        revision,
      };
    case 'ContributorKeyRotated':
      return (
        state && {
          ...state,
          keys: [
            ...endKey(state.keys, currentKey(state), position, 'rotation'),
            { publicKey: String(payload.newPublicKey), validFrom: position },
          ],
          revision,
        }
      );
    case 'ContributorKeyRevoked':
      return state && { ...state, keys: endKey(state.keys, String(payload.publicKey), position, 'revocation'), revision };
    case 'ContributorRoleGranted':
      if (!state) return state;
      return payload.role === 'maintainer'
        ? { ...state, maintains: new Set([...state.maintains, String(payload.dataset)]), revision }
        : { ...state, roles: new Set([...state.roles, payload.role as Role]), revision };
    case 'ContributorRoleRevoked':
      if (!state) return state;
      return payload.role === 'maintainer'
        ? { ...state, maintains: new Set([...state.maintains].filter((d) => d !== payload.dataset)), revision }
        : { ...state, roles: new Set([...state.roles].filter((r) => r !== payload.role)), revision };
    default:
      return state && { ...state, revision };
  }
}

/** Folds a contributor stream (in revision order) into its state; undefined when empty. */
export function foldContributor(
  contributorId: string,
  events: readonly RecordedEvent[],
  from?: ContributorState,
): ContributorState | undefined {
  let state = from;
  for (const event of events) {
    state = applyContributorEvent(contributorId, state, event.data as unknown as ContributorEnvelope, event.position, event.revision);
  }
  return state;
}

function endKey(
  keys: readonly KeyWindow[],
  publicKey: string | undefined,
  position: LogPosition,
  endedBy: 'rotation' | 'revocation',
): KeyWindow[] {
  return keys.map((k) => (k.publicKey === publicKey && k.validUntil === undefined ? { ...k, validUntil: position, endedBy } : k));
}
