import { describe, expect, it } from '@jest/globals';
import { nonceStore } from './nonce-store.js';

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
