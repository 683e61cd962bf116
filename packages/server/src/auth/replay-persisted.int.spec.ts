// Replay protection that outlives the server process: a signed request spent once is refused
// after the server restarts on the same store (embedded), and by a second server process over the
// same Postgres store. Requests are injected with the Host a load balancer in front of both would
// forward, so the signature (which covers @authority) verifies at either process.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { signRequest } from '@cairn/core';
import { newSigner, type Signer } from '@cairn/sdk';
import { createTestSchema, describePostgres, postgresForTests } from '@cairn/testing';
import { createServer, type CairnServer } from '../index.js';
import { newStoresReady, openNewStore, openStore } from '../__tests__/fixture.js';

const pg = await postgresForTests();
const HOST = 'ledger.example';
const cleanups: (() => Promise<unknown>)[] = [];

// The new-store template under its own time limit, not the first test's.
beforeAll(() => newStoresReady(), 300_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function serve(cairn: Cairn): Promise<CairnServer> {
  const s = await createServer({ cairn, metadata: 'private', catchUpIntervalMs: 60_000, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  return s.right;
}

async function registered(cairn: Cairn): Promise<Signer> {
  const r = await cairn.ledger.contributors.register(newSigner().secretKey, { name: 'erin' });
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
}

const statusSignedBy = (signer: Signer) => signRequest({ method: 'GET', url: `http://${HOST}/v1/status` }, signer);

const bases = new Map<CairnServer, string>();

/** GET /v1/status from `server`, with the Host header the signature was made for (fetch cannot set one). */
async function send(server: CairnServer, headers: Record<string, string>): Promise<{ statusCode: number; json: () => unknown }> {
  let base = bases.get(server);
  if (base === undefined) bases.set(server, (base = await server.listen(0, '127.0.0.1')));
  const url = new URL(`${base}/v1/status`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'GET', headers: { ...headers, host: HOST } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, json: () => JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function expectReplayRefused(res: { statusCode: number; json: () => unknown }) {
  expect(res.statusCode).toBe(401);
  expect(res.json()).toMatchObject({ status: 401, field: 'nonce', reason: expect.stringMatching(/^replayed: /) });
}

describe('replay protection across restarts (embedded store)', () => {
  it('given a signed request answered, when the server restarts on the same store, then the same request is refused as replayed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-replay-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const cairn = await openNewStore(dir);
    cleanups.push(() => cairn.close());
    const erin = await registered(cairn);
    const before = await serve(cairn);
    const headers = statusSignedBy(erin);
    expect((await send(before, headers)).statusCode).toBe(200);
    await before.close();

    // A new server holds no nonce in memory: only the store remembers this one.
    const server = await serve(cairn);
    cleanups.push(() => server.close());
    expectReplayRefused(await send(server, headers));
    // A request signed afresh is answered as before.
    expect((await send(server, statusSignedBy(erin))).statusCode).toBe(200);
  });
});

describe('replay protection across a rebuild of the projections (embedded store)', () => {
  // The projections are derived from the log: their folder may be dropped and rebuilt at any time.
  // A nonce spent before must not become spendable again because the table it was kept in went with it.
  it('given a signed request answered, when the projections folder is dropped and rebuilt from the log, then the same request is refused naming the nonce', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-replay-rebuild-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const before = await openNewStore(dir);
    const erin = await registered(before);
    const first = await serve(before);
    const headers = statusSignedBy(erin);
    expect((await send(first, headers)).statusCode).toBe(200);
    await first.close();
    await before.close();

    await rm(path.join(dir, 'projections'), { recursive: true, force: true });
    const cairn = await openStore(dir);
    cleanups.push(() => cairn.close());
    const server = await serve(cairn);
    cleanups.push(() => server.close());
    const res = await send(server, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ status: 401, field: 'nonce' });
    // A request signed after the rebuild is answered as before.
    expect((await send(server, statusSignedBy(erin))).statusCode).toBe(200);
  }, 180_000);

  it('given a signed request answered, when every projection is rebuilt in place, then the same request is refused as replayed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-replay-replay-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const cairn = await openNewStore(dir);
    cleanups.push(() => cairn.close());
    const erin = await registered(cairn);
    const first = await serve(cairn);
    const headers = statusSignedBy(erin);
    expect((await send(first, headers)).statusCode).toBe(200);
    await first.close();
    for (const p of cairn.projections) expect(E.isRight(await cairn.runner.rebuild(p.name))).toBe(true);

    const server = await serve(cairn);
    cleanups.push(() => server.close());
    expectReplayRefused(await send(server, headers));
  }, 180_000);
});

describePostgres(pg, 'replay protection across server processes (one Postgres store)', () => {
  it('given two servers over one store, when a request answered by one is sent to the other, then it is refused as replayed', async () => {
    const keys = await mkdtemp(path.join(os.tmpdir(), 'cairn-replay-pg-'));
    const schema = await createTestSchema('replay');
    cleanups.push(
      () => rm(keys, { recursive: true, force: true }),
      () => schema.drop(),
    );
    const first = await openStore(schema.url, { CAIRN_KEYS: keys });
    const second = await openStore(schema.url, { CAIRN_KEYS: keys });
    const erin = await registered(first);
    const [a, b] = [await serve(first), await serve(second)];
    cleanups.push(
      () => first.close(),
      () => second.close(),
      () => a.close(),
      () => b.close(),
    );
    const headers = statusSignedBy(erin);
    expect((await send(a, headers)).statusCode).toBe(200);
    expectReplayRefused(await send(b, headers));
    expectReplayRefused(await send(a, headers));
  });
});
