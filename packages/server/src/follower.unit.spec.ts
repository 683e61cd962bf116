// The follower's lock between latest reads and catch-ups, over a fake store whose catch-up
// is held open by the test: a latest read is never answered while the projections move.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { startFollower } from './follower.js';

function fakeStore(start: bigint | null = 1n) {
  let head: bigint | null = start;
  const gates: (() => void)[] = [];
  const log: string[] = [];
  const cairn = {
    ledger: { log: { head: async () => E.right(head), readAll: async () => E.right([]) } },
    catchUp: async () => {
      log.push('catch-up start');
      await new Promise<void>((resolve) => gates.push(resolve));
      log.push('catch-up end');
      return E.right(undefined);
    },
  } as unknown as Cairn;
  return {
    cairn,
    log,
    append: () => (head = (head ?? 0n) + 1n),
    release: async () => {
      while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
      gates.shift()!();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('startFollower', () => {
  it('given a latest read in progress, when a catch-up is asked, then it starts only after the read is done', async () => {
    const store = fakeStore();
    const follower = startFollower(store.cairn, 60_000, () => undefined);
    const first = follower.catchUp();
    await store.release();
    expect(await first).toEqual(E.right(1n));

    let finishRead!: () => void;
    const read = follower.latest(async (head) => {
      store.log.push(`read at ${head}`);
      await new Promise<void>((resolve) => (finishRead = resolve));
      store.log.push('read end');
    });
    await tick();
    store.append();
    const second = follower.catchUp();
    await tick();
    expect(store.log.slice(-1)).toEqual(['read at 1']);
    finishRead();
    await read;
    await store.release();
    expect(await second).toEqual(E.right(2n));
    expect(store.log.slice(2)).toEqual(['read at 1', 'read end', 'catch-up start', 'catch-up end']);
    await follower.stop();
  });

  it('given nothing new in the log, when a catch-up is asked while a latest read is in flight, then it answers at once and stops no read', async () => {
    const store = fakeStore();
    const follower = startFollower(store.cairn, 60_000, () => undefined);
    const first = follower.catchUp();
    await store.release();
    await first;
    let finishRead!: () => void;
    const read = follower.latest(() => new Promise<void>((resolve) => (finishRead = resolve)));
    await tick();
    expect(await follower.catchUp()).toEqual(E.right(1n));
    // a read that comes now is not held back either
    expect(await follower.latest(async (head) => head)).toBe(1n);
    expect(store.log).toEqual(['catch-up start', 'catch-up end']);
    finishRead();
    await read;
    await follower.stop();
  });

  it('given a catch-up writing, when a latest read comes, then it waits and is given the new head', async () => {
    const store = fakeStore();
    const follower = startFollower(store.cairn, 60_000, () => undefined);
    const catching = follower.catchUp();
    await tick();
    const read = follower.latest(async (head) => head);
    await tick();
    expect(store.log).toEqual(['catch-up start']);
    await store.release();
    await catching;
    expect(await read).toBe(1n);
    await follower.stop();
  });

  it('given an empty log, when catch-ups are asked after the first while a latest read is in flight, then none takes the write lock', async () => {
    const store = fakeStore(null);
    const follower = startFollower(store.cairn, 60_000, () => undefined);
    const first = follower.catchUp();
    await store.release();
    expect(await first).toEqual(E.right(null));
    let finishRead!: () => void;
    const read = follower.latest(() => new Promise<void>((resolve) => (finishRead = resolve)));
    await tick();
    for (let i = 0; i < 3; i += 1) expect(await follower.catchUp()).toEqual(E.right(null));
    expect(await follower.latest(async (head) => head)).toBeNull();
    // one lock taken: the first pass's
    expect(store.log).toEqual(['catch-up start', 'catch-up end']);
    finishRead();
    await read;
    await follower.stop();
  });

  it('given an empty log that then gets its first event, when a catch-up is asked, then it takes the lock and moves the head', async () => {
    const store = fakeStore(null);
    const follower = startFollower(store.cairn, 60_000, () => undefined);
    const first = follower.catchUp();
    await store.release();
    await first;
    store.append();
    const second = follower.catchUp();
    await store.release();
    expect(await second).toEqual(E.right(1n));
    expect(store.log).toEqual(['catch-up start', 'catch-up end', 'catch-up start', 'catch-up end']);
    await follower.stop();
  });
});
