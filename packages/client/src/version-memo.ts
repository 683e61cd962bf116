// Version references resolved at the latest, remembered per head position. Resolving NAME@V reads
// every build of the dataset; at a fixed head the answer cannot change, and a server asks it for
// every request at that head. A new head, or a catch-up, forgets what was remembered.
import type * as E from 'fp-ts/lib/Either.js';
import type { RefError } from './errors.js';
import type { ResolvedVersion } from './version-ref.js';

type Resolved = Promise<E.Either<RefError, ResolvedVersion>>;

/** Past this many references at one head, the oldest is forgotten (a head that lasts sees few datasets). */
const MEMO_CAPACITY = 1024;

export interface VersionMemo {
  /** The reference `text` (named `field` in errors) at `head`, resolved once per head by `resolve`. */
  at(head: bigint | null, text: string, field: string | undefined, resolve: () => Resolved): Resolved;
  /** Forgets everything: the projections are about to move, or have moved, whatever the head says. */
  forget(): void;
}

export function versionMemo(): VersionMemo {
  let head: bigint | null | undefined;
  let entries = new Map<string, Resolved>();
  return {
    at: (at, text, field, resolve) => {
      if (at !== head) {
        head = at;
        entries = new Map();
      }
      const key = `${field ?? ''}\n${text}`;
      const held = entries.get(key);
      if (held !== undefined) return held;
      const resolved = resolve();
      if (entries.size >= MEMO_CAPACITY) entries.delete(entries.keys().next().value!);
      const into = entries;
      entries.set(key, resolved);
      // A lookup that failed outright (the store closed) is not an answer to remember.
      resolved.catch(() => into.delete(key));
      return resolved;
    },
    forget: () => {
      head = undefined;
      entries = new Map();
    },
  };
}
