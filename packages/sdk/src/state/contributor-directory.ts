// Every key and every name the log has ever given a contributor, for the rules that a key
// belongs to one identity and a name to one contributor. The log has no index by key or name,
// so the directory is read from it: all of it the first time, then only what was appended
// since. It is loaded only for batches that bring in a key or a name (registrations and
// rotations), which are rare next to contributions.
import * as E from 'fp-ts/lib/Either.js';
import type { EventLog, EventLogError, LogPosition } from '@cairn/eventlog';

export interface ContributorDirectory {
  /** Public key (hex) → the contributor that registered or rotated to it. */
  readonly keys: ReadonlyMap<string, string>;
  /** Registered name → its contributor. */
  readonly names: ReadonlyMap<string, string>;
}

const PAGE = 2000;

interface Envelope {
  readonly type?: unknown;
  readonly signer?: unknown;
  readonly payload?: { readonly publicKey?: unknown; readonly newPublicKey?: unknown; readonly name?: unknown };
}

/** A directory that catches up with the log on each call. */
export function createContributorDirectory(log: EventLog): () => Promise<E.Either<EventLogError, ContributorDirectory>> {
  const keys = new Map<string, string>();
  const names = new Map<string, string>();
  let after: LogPosition | null = null;
  return async () => {
    for (;;) {
      const page = await log.readAll({ after, limit: PAGE });
      if (E.isLeft(page)) return page;
      for (const recorded of page.right) {
        const { type, signer, payload } = recorded.data as Envelope;
        if (typeof signer !== 'string' || payload === undefined) continue;
        if (type === 'ContributorRegistered') {
          if (typeof payload.publicKey === 'string' && !keys.has(payload.publicKey)) keys.set(payload.publicKey, signer);
          if (typeof payload.name === 'string' && !names.has(payload.name)) names.set(payload.name, signer);
        } else if (type === 'ContributorKeyRotated' && typeof payload.newPublicKey === 'string' && !keys.has(payload.newPublicKey)) {
          keys.set(payload.newPublicKey, signer);
        }
      }
      if (page.right.length > 0) after = page.right[page.right.length - 1]!.position;
      if (page.right.length < PAGE) return E.right({ keys, names });
    }
  };
}
