// Closing the server while a read is in flight: given a slow read whose client has given up, when
// the server closes and then its store, then the read finishes against the open store first, and
// nothing fails or is logged.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { createServer } from './index.js';
import { newStoresReady, openNewStore } from './__tests__/fixture.js';

let dir: string;
let cairn: Cairn;

// The run's new-store template under its own time limit: the first file of a run makes it.
beforeAll(() => newStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-server-close-'));
  cairn = await openNewStore(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CairnServer.close', () => {
  it('given a slow read whose client disconnected, when the server and then the store close, then the read ends first and nothing is logged', async () => {
    const logged: string[] = [];
    const s = await createServer({ cairn, catchUpIntervalMs: 60_000, onError: (m) => logged.push(m) });
    if (E.isLeft(s)) throw new Error(s.left.message);
    const server = s.right;
    const base = await server.listen(0, '127.0.0.1');

    const steps: string[] = [];
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const show = cairn.show;
    (cairn as { show: Cairn['show'] }).show = async (text, asOf) => {
      started();
      await gate;
      // the store is read after the client has gone and close has begun
      const answer = await show(text, asOf);
      steps.push('read done');
      return answer;
    };

    const client = new AbortController();
    const request = fetch(`${base}/v1/cfs/${'ab'.repeat(32)}`, { signal: client.signal }).catch(() => 'aborted');
    await inHandler;
    client.abort();
    expect(await request).toBe('aborted');
    const closing = server.close().then(() => steps.push('server closed'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await closing;
    await cairn.close();
    expect(steps).toEqual(['read done', 'server closed']);
    expect(logged).toEqual([]);
  });
});
