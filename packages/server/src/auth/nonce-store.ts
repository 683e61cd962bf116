// The nonces of signed requests seen within the freshness window, so that a captured request
// cannot be sent again while its `created` is still fresh. Held in memory and bounded: past the
// capacity the oldest entries are dropped, and the store then refuses every request created at
// or before the newest `created` it dropped. A replay of a dropped nonce is refused that way, so
// a full store costs honest clients a retry (with a fresh `created`), never the guarantee.
//
// The guarantee is this process's: a second `cairn serve` over the same Postgres store holds its
// own nonces, so a request captured on its way to one process could be replayed to the other
// while its `created` is within the window. The README says to run one server process per store;
// sharing nonces across processes means a table in the store's own package (no SQL here).
export interface NonceStore {
  /**
   * Records `nonce` of `keyid` created at `created` (unix seconds): 'fresh' the first time,
   * 'replayed' when seen within the window, 'evicted' when the store cannot tell any more.
   */
  use(keyid: string, nonce: string, created: number, nowSeconds: number): 'fresh' | 'replayed' | 'evicted';
  readonly size: number;
}

export const DEFAULT_NONCE_CAPACITY = 100_000;

export function nonceStore(windowSeconds: number, capacity = DEFAULT_NONCE_CAPACITY): NonceStore {
  // Insertion order is arrival order: the first entry is the one to drop.
  const seen = new Map<string, number>();
  let floor = -Infinity;
  const expire = (nowSeconds: number) => {
    // An entry created before now − window is refused as stale anyway; stop at the first fresh one
    // (arrival order is close to created order, so this is a cheap sweep, not an exact one).
    for (const [key, created] of seen) {
      if (created >= nowSeconds - windowSeconds) break;
      seen.delete(key);
    }
  };
  return {
    use(keyid, nonce, created, nowSeconds) {
      const key = `${keyid} ${nonce}`;
      if (seen.has(key)) return 'replayed';
      if (created <= floor) return 'evicted';
      if (seen.size >= capacity) expire(nowSeconds);
      while (seen.size >= capacity) {
        const [oldest, at] = seen.entries().next().value as [string, number];
        seen.delete(oldest);
        floor = Math.max(floor, at);
      }
      if (created <= floor) return 'evicted';
      seen.set(key, created);
      return 'fresh';
    },
    get size() {
      return seen.size;
    },
  };
}
