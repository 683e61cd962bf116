import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { nonceStore, persistedNonces } from './nonce-store.js';

describe('the nonce store', () => {
  it('given a nonce used once, when it is used again by the same key, then it is a replay; another key may use the same text', () => {
    const store = nonceStore(300);
    expect(store.use('k1', 'n', 1000, 1000)).toBe('fresh');
    expect(store.use('k1', 'n', 1000, 1001)).toBe('replayed');
    expect(store.use('k2', 'n', 1000, 1001)).toBe('fresh');
  });

  it('given a full store, when a new nonce comes, then the oldest is dropped and a replay of it is still refused', () => {
    const store = nonceStore(300, 3);
    for (const [n, created] of [
      ['a', 100],
      ['b', 101],
      ['c', 102],
    ] as const)
      expect(store.use('k', n, created, 102)).toBe('fresh');
    expect(store.use('k', 'd', 103, 103)).toBe('fresh');
    expect(store.size).toBe(3);
    // 'a' is no longer held, but its created is at or below what was dropped: refused.
    expect(store.use('k', 'a', 100, 103)).toBe('evicted');
    expect(store.use('k', 'e', 100, 103)).toBe('evicted');
    expect(store.use('k', 'f', 104, 104)).toBe('fresh');
  });

  it('given entries older than the window, when the store is full, then they make room without raising the floor', () => {
    const store = nonceStore(10, 2);
    expect(store.use('k', 'a', 100, 100)).toBe('fresh');
    expect(store.use('k', 'b', 101, 101)).toBe('fresh');
    expect(store.use('k', 'c', 200, 200)).toBe('fresh');
    expect(store.size).toBe(1);
    expect(store.use('k', 'd', 195, 200)).toBe('fresh');
  });
});

describe('the nonces kept in the store', () => {
  const table = (spent: Set<string>, fail = false, since = 0) => ({
    since,
    spend: async (keyid: string, nonce: string) => {
      if (fail) return E.left({ _tag: 'RequestNoncesUnavailable' as const, message: 'down' });
      const key = `${keyid} ${nonce}`;
      const fresh = !spent.has(key);
      spent.add(key);
      return E.right(fresh);
    },
    forget: async () => E.right(undefined),
  });

  it('given a nonce another process spent (only the table knows it), when it comes here, then it is a replay', async () => {
    const spent = new Set(['k n']);
    const store = persistedNonces(nonceStore(300), table(spent), 300);
    expect(await store.use('k', 'n', 1000, 1000)).toBe('replayed');
    expect(await store.use('k', 'm', 1000, 1000)).toBe('fresh');
    expect(await store.use('k', 'm', 1000, 1001)).toBe('replayed');
  });

  it('given a table that cannot be asked, then the nonce is not let in: unavailable', async () => {
    const store = persistedNonces(nonceStore(300), table(new Set(), true), 300);
    expect(await store.use('k', 'n', 1000, 1000)).toBe('unavailable');
  });

  it('given a table begun at 1000 (the old one went with a rebuild), when a request created before then comes, then it predates the table', async () => {
    const store = persistedNonces(nonceStore(300), table(new Set(), false, 1000), 300);
    expect(await store.use('k', 'n', 900, 1001)).toBe('predates');
    expect(await store.use('k', 'n', 999, 1001)).toBe('predates');
    expect(await store.use('k', 'n', 1000, 1001)).toBe('fresh');
  });
});
