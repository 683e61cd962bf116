// The Lineage Explorer's files at `/`, beside the API: the page with a policy that lets it load
// only this origin, hashed assets cached for good, and no path that reaches outside the built
// folder; an unknown path is still the API's problem document. Needs the page built (turbo builds
// @cairn/explorer before this package).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { explorerRoot } from '@cairn/explorer';
import { createServer, type CairnServer } from '../index.js';
import { newStoresReady, openNewStore } from '../__tests__/fixture.js';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let base: URL;

// The run's new-store template under its own time limit: the first file of a run makes it.
beforeAll(() => newStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-server-explorer-'));
  cairn = await openNewStore(dir);
  const s = await createServer({ cairn, onError: () => undefined });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = new URL(await server.listen(0, '127.0.0.1'));
});

afterAll(async () => {
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  readonly statusCode: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** GET with the path sent exactly as written (fetch would resolve `..` before sending it). */
const get = (url: string) =>
  new Promise<Answer>((resolve, reject) => {
    http
      .get({ host: base.hostname, port: base.port, path: url }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });

describe('the Lineage Explorer served at /', () => {
  it('given the built page, when / is asked for, then it is the page, revalidated, and allowed to load only this origin', async () => {
    const r = await get('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('<div id="app">');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('given a hashed asset the page loads, when asked for, then it is cached as immutable', async () => {
    const [script] = (await readdir(path.join(explorerRoot, 'assets'))).filter((f) => /^index-.*\.js$/.test(f));
    const r = await get(`/assets/${script}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('given paths that climb out of the page folder or name no file, when asked for, then each is the API 404 problem', async () => {
    for (const url of [
      '/../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/v1/nothing',
      '/nothing.html',
    ]) {
      const r = await get(url);
      expect([url, r.statusCode, r.headers['content-type']?.split(';')[0]]).toEqual([url, 404, 'application/problem+json']);
    }
  });

  it('given the reads the page makes as of a moment, when asOf or maxNodes is not one, then each is refused naming the field', async () => {
    const cf = 'ab'.repeat(32);
    for (const url of [`/v1/cfs/${cf}?asOf=yesterday`, '/v1/datasets?asOf=yesterday', '/v1/datasets?name=x&asOf=-1']) {
      const r = await get(url);
      // Refused as a moment that is not one, not as a field the read does not take.
      const problem = JSON.parse(r.body) as { errors?: { field: string; reason: string }[] };
      expect([url, r.statusCode, problem.errors?.[0]?.field]).toEqual([url, 400, 'query.asOf']);
      expect(problem.errors?.[0]?.reason).not.toBe('unknown field');
    }
    const many = await get(`/v1/trace/${cf}?maxNodes=5001`);
    expect([many.statusCode, JSON.parse(many.body).errors?.[0]]).toEqual([
      400,
      { field: 'query.maxNodes', reason: expect.stringContaining('5000') },
    ]);
    // A well-formed moment is weighed against the log, not ignored: this store's log is empty.
    expect(JSON.parse((await get('/v1/datasets?asOf=1')).body)).toMatchObject({
      status: 400,
      reason: expect.stringContaining('beyond the head'),
    });
  });

  it('given the page, when the API is asked beside it, then the API still answers', async () => {
    const r = await get('/v1/status');
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ store: 'embedded' });
  });
});
