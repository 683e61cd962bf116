// GET /v1/log and the auditor who reads it: a server's log, a page at a time, each event as
// stored. Given a seeded store behind a server, the pages are the log; verifyLog over them (the
// client's remote log) recomputes every id, signature, seal and the tree head here, and a server
// that changes an event in transit is caught at that event; `cairn verify --store http…` says
// what it checked and what stays the server's.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { openRemoteEventLog, type Cairn } from '@cairn/client';
import { LeafHashes } from '@cairn/core';
import type { RecordedEvent } from '@cairn/client';
import { verifyLog } from '@cairn/sdk';
import { createServer, type CairnServer } from '../index.js';
import { openSeededStore, seededStoresReady } from '../__tests__/fixture.js';
import { keptCli, type KeptCli } from '../__tests__/kept-cli.js';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let base: string;
let cli: KeptCli;
let stored: readonly RecordedEvent[];

// The run's seeded template under its own time limit: the first file of a run makes it.
beforeAll(() => seededStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-log-route-'));
  ({ cairn } = await openSeededStore(dir));
  const s = await createServer({ cairn, catchUpIntervalMs: 200, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
  const all = await cairn.ledger.log.readAll();
  if (E.isLeft(all)) throw new Error('readAll failed');
  stored = all.right;
  cli = keptCli(dir);
}, 120_000);

afterAll(async () => {
  await cli?.close();
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Page {
  readonly events: readonly { position: string; id: string; data: string }[];
  readonly next: string | null;
}

const page = async (query: string) => {
  const res = await fetch(`${base}/v1/log${query}`);
  return { status: res.status, body: (await res.json()) as Page & { field?: string } };
};

describe('GET /v1/log', () => {
  it('given a seeded store, when it is read two events a page, then the pages are the log in order, each event as stored', async () => {
    const read: Page['events'][number][] = [];
    let after: string | null = null;
    for (;;) {
      const { status, body } = await page(`?limit=2${after === null ? '' : `&after=${after}`}`);
      expect(status).toBe(200);
      read.push(...body.events);
      if (body.next === null) break;
      after = body.next;
    }
    expect(read.map((e) => [e.position, e.id, e.data])).toEqual(stored.map((e) => [e.position.toString(), e.id, e.storedData]));
  });

  it('given a bad after or limit, then 400 naming the field', async () => {
    expect(await page('?after=-1')).toMatchObject({ status: 400, body: { field: 'query.after' } });
    expect(await page('?limit=0')).toMatchObject({ status: 400, body: { field: 'query.limit' } });
    expect(await page('?limit=5001')).toMatchObject({ status: 400, body: { field: 'query.limit' } });
    expect(await page('?from=1')).toMatchObject({ status: 400 });
  });
});

describe('verifying a remote ledger without trusting the server', () => {
  it("given the server's log, then every event verifies here and the tree head recomputed here is the one the server signs", async () => {
    const leaves = new LeafHashes();
    const v = await verifyLog(openRemoteEventLog({ kind: 'http', url: base }), undefined, leaves, { workers: 1 });
    expect(v.firstBad).toBeNull();
    expect(v.events).toBe(stored.length);
    const signed = (await (await fetch(`${base}/v1/tree-head`)).json()) as { treeHead: { size: number; root: string } };
    expect(signed.treeHead).toMatchObject({ size: leaves.size, root: leaves.rootOf(leaves.size) });
  });

  it('given a server that changes one event in transit (a signature swapped), then verify names that event', async () => {
    const target = stored.find((e) => typeof (e.data as { signature?: unknown }).signature === 'string' && e.position > 1n)!;
    const lying: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const body = (await res.json()) as Page;
      const events = body.events.map((e) =>
        e.id === target.id ? { ...e, data: e.data.replace(/"signature":"[0-9a-f]{128}"/, `"signature":"${'cd'.repeat(64)}"`) } : e,
      );
      return new Response(JSON.stringify({ ...body, events }), { status: res.status, headers: { 'content-type': 'application/json' } });
    };
    const v = await verifyLog(openRemoteEventLog({ kind: 'http', url: base }, { fetch: lying }));
    expect(v.firstBad).toMatchObject({ position: target.position.toString(), eventId: target.id, check: 'signature' });
  });

  it('given cairn verify --store the server, then the log is checked here and the tables are said to be the server’s', async () => {
    const r = await cli.run(['--json', 'verify', '--store', base]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; log: { events: number }; treeHead: { size: number }; notChecked: string[] };
    expect(out).toMatchObject({ ok: true, log: { events: stored.length }, treeHead: { size: stored.length } });
    expect(out.notChecked).toContain('projections');
  });
});
