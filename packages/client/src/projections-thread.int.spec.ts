// Where openCairn runs an embedded store's projections: on a worker thread by default (the
// caller's event loop goes on while a statement runs, as a server needs), or on the caller's own
// thread when asked (a process with one question to answer starts no second worker). Told apart
// by what the caller's timers do while a statement of the projections runs.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { sql } from 'kysely';
import { openCairn, type Cairn, type OpenCairnOptions } from './index.js';

/** Timer ticks of the caller's event loop while the projections run one 300 ms statement. */
async function ticksDuringStatement(cairn: Cairn): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 10);
  try {
    await new Promise((resolve) => setTimeout(resolve, 20)); // the timer is armed
    ticks = 0;
    await sql`select pg_sleep(0.3)`.execute(cairn.store.db);
    return ticks;
  } finally {
    clearInterval(timer);
  }
}

describe('the thread an embedded store projects on', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-projections-thread-'));
    // Made once (both databases' initdb); each test below only opens it.
    await (await opened({ create: true })).close();
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const opened = async (options: Partial<OpenCairnOptions>): Promise<Cairn> => {
    const cairn = await openCairn({ store: dir, env: {}, ...options });
    if (E.isLeft(cairn)) throw new Error(cairn.left.message);
    return cairn.right;
  };

  it('given the default, when a statement of the projections runs, then the caller’s timers keep firing meanwhile (a worker runs it)', async () => {
    const cairn = await opened({});
    try {
      expect(await ticksDuringStatement(cairn)).toBeGreaterThan(0);
    } finally {
      await cairn.close();
    }
  }, 120_000);

  it('given projectionsThread caller, when a statement of the projections runs, then no timer of the caller fires until it is done', async () => {
    const cairn = await opened({ projectionsThread: 'caller' });
    try {
      expect(await ticksDuringStatement(cairn)).toBe(0);
    } finally {
      await cairn.close();
    }
  }, 120_000);
});
