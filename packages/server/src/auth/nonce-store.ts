// The nonces of signed requests seen within the freshness window, so that a captured request
// cannot be sent again while its `created` is still fresh. Held in memory and bounded: past the
// capacity the oldest entries are dropped, and the store then refuses every request created at
// or before the newest `created` it dropped. A replay of a dropped nonce is refused that way, so
// a full store costs honest clients a retry (with a fresh `created`), never the guarantee.
//
// The memory alone is this process's: `persistedNonces` lays the store's own table over it (the
// server's default), so a restart, or a second `cairn serve` over the same Postgres store, refuses
// a nonce spent before as well. That table is rebuilt empty with the projections: a request created
// before it was made ('predates') may have been spent in the one it replaced, and is refused.
import * as E from 'fp-ts/lib/Either.js';
import type { RequestNonceTable } from '@cairn/client';

export type NonceUse = 'fresh' | 'replayed' | 'evicted' | 'predates' | 'unavailable';

export interface NonceStore {
  /**
   * Records `nonce` of `keyid` created at `created` (unix seconds): 'fresh' the first time,
   * 'replayed' when seen within the window, 'evicted' when the store cannot tell any more,
   * 'predates' when created before the store's table of spent nonces began,
   * 'unavailable' when the store's table could not be asked (the request is refused, not let in).
   */
  use(keyid: string, nonce: string, created: number, nowSeconds: number): NonceUse | Promise<NonceUse>;
  readonly size: number;
}

export const DEFAULT_NONCE_CAPACITY = 100_000;

export function nonceStore(
  windowSeconds: number,
  capacity = DEFAULT_NONCE_CAPACITY,
): NonceStore & { use(keyid: string, nonce: string, created: number, nowSeconds: number): 'fresh' | 'replayed' | 'evicted' } {
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

/**
 * The nonces in memory first (a replay to this process costs no query), then the store's table:
 * a nonce fresh here but spent by an earlier process, or by another process over the same store,
 * is a replay. Rows older than the window are forgotten at most once a window.
 */
export function persistedNonces(memory: NonceStore, table: RequestNonceTable, windowSeconds: number): NonceStore {
  let swept = -Infinity;
  return {
    async use(keyid, nonce, created, nowSeconds) {
      // Strictly before: a request signed in the second the table began is let in (the server was
      // starting then, and a rebuild takes longer than that second), so clients that sign the
      // moment a server is up are not refused.
      if (created < table.since) return 'predates';
      const seen = await memory.use(keyid, nonce, created, nowSeconds);
      if (seen !== 'fresh') return seen;
      if (nowSeconds - swept >= windowSeconds) {
        swept = nowSeconds;
        const forgotten = await table.forget(nowSeconds - windowSeconds);
        if (E.isLeft(forgotten)) return 'unavailable';
      }
      const spent = await table.spend(keyid, nonce, created);
      if (E.isLeft(spent)) return 'unavailable';
      return spent.right ? 'fresh' : 'replayed';
    },
    get size() {
      return memory.size;
    },
  };
}
