// Every key and every name the log has ever given a contributor, for the rules that a key
// belongs to one identity and a name to one contributor. The log has no index by key or name,
// so the directory is folded from the log as the ledger state's tail reads it (log-tail.ts): all
// of it the first time, then only what was appended since. It is loaded only for batches that
// bring in a key or a name (registrations and rotations), which are rare next to contributions.
import type { TailEvent } from './log-tail.js';

export interface ContributorDirectory {
  /** Public key (hex) → the contributor that registered or rotated to it. */
  readonly keys: ReadonlyMap<string, string>;
  /** Registered name → its contributor. */
  readonly names: ReadonlyMap<string, string>;
}

interface Envelope {
  readonly type?: unknown;
  readonly signer?: unknown;
  readonly payload?: { readonly publicKey?: unknown; readonly newPublicKey?: unknown; readonly name?: unknown };
}

/** A directory and the fold that extends it with one logged event. */
export function createContributorDirectory(): { readonly directory: ContributorDirectory; readonly fold: (recorded: TailEvent) => void } {
  const keys = new Map<string, string>();
  const names = new Map<string, string>();
  const fold = (recorded: TailEvent): void => {
    const { type, signer, payload } = recorded.data as Envelope;
    if (typeof signer !== 'string' || payload === undefined) return;
    if (type === 'ContributorRegistered') {
      if (typeof payload.publicKey === 'string' && !keys.has(payload.publicKey)) keys.set(payload.publicKey, signer);
      if (typeof payload.name === 'string' && !names.has(payload.name)) names.set(payload.name, signer);
    } else if (type === 'ContributorKeyRotated' && typeof payload.newPublicKey === 'string' && !keys.has(payload.newPublicKey)) {
      keys.set(payload.newPublicKey, signer);
    }
  };
  return { directory: { keys, names }, fold };
}
