// Who may read what, over HTTP: a server with private lineage metadata over a small ledger. Every
// refusal of a signed request (missing, malformed, stale, unknown keyid, revoked key, bad
// signature, replayed nonce, body digest), the 403 of a good signature without the reader role,
// sample bytes as `cairn cat` reads them, 410 for an erased sample. One server for the file.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { readSampleBytes, type Cairn } from '@cairn/client';
import { contentDigestOf, signRequest, type RequestSigner } from '@cairn/core';
import { newSigner, type Signer } from '@cairn/sdk';
import { createServer, type CairnServer } from '../index.js';
import { metadataAccessFor } from './metadata-access.js';
import { openSeededStore, seededStoresReady, registration, type Fixture } from '../__tests__/fixture.js';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let base: string;
let fx: Fixture;
/** Registered, then its key revoked. */
let revoked: Signer;
/** Registered, no role. */
let erin: Signer;
let erased: string;

const must = <T>(r: E.Either<unknown, T>): T => {
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
  return r.right;
};

// The run's seeded template under its own time limit: the first file of a run makes it.
beforeAll(() => seededStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-signatures-'));
  ({ cairn, fx: fx } = await openSeededStore(dir));
  const { ledger } = cairn;
  revoked = must(await ledger.contributors.register(newSigner().secretKey, { name: 'dave' }));
  must(await ledger.contributors.revokeKey(revoked, { reason: 'compromised' }));
  erin = must(await ledger.contributors.register(newSigner().secretKey, { name: 'erin' }));
  erased = must(
    await ledger.contribute.sample(
      { bytes: new TextEncoder().encode('to be forgotten'), mediaType: 'text/plain', license: 'MIT', source: 'notes' },
      fx.alice,
    ),
  ).id;
  must(await ledger.erase(erased, fx.alice, 'the subject asked'));
  const s = await createServer({
    cairn,
    metadata: 'private',
    catchUpIntervalMs: 200,
    // The tests over fetch (127.0.0.1) send fewer bad signatures than this; the flood comes from elsewhere.
    invalidSignatures: { burst: 10, refillPerSecond: 1 },
    onError: () => undefined,
  });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = await server.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(url: string, headers: Record<string, string> = {}, init: RequestInit = {}) {
  const res = await fetch(`${base}${url}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.includes('json') ? (JSON.parse(new TextDecoder().decode(bytes)) as Json) : undefined;
  return { res, bytes, body: json ?? {} };
}

const signed = (url: string, signer: RequestSigner, options: Parameters<typeof signRequest>[2] = {}) =>
  signRequest({ method: 'GET', url: `${base}${url}` }, signer, options);

const get = (url: string, signer?: RequestSigner, options?: Parameters<typeof signRequest>[2]) =>
  send(url, signer === undefined ? {} : signed(url, signer, options));

function expectRefused(r: { res: Response; body: Json }, field: string, reason: RegExp) {
  expect(r.res.status).toBe(401);
  expect(r.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.res.headers.get('accept-signature')).toMatch(/^sig1=\("@method" "@authority" "@path" "@query"\)/);
  expect(r.body).toMatchObject({ status: 401, type: 'urn:cairn:problem:signature-refused', field, reason: expect.stringMatching(reason) });
  expect(r.body.detail).toBe(`${field}: ${r.body.reason}`);
}

describe('private lineage metadata', () => {
  it('given a server told private, then it says so; the default is public on loopback and private on any other address', () => {
    expect(server.metadataAccess()).toBe('private');
    expect(['127.0.0.1', '::1', '[::1]', 'localhost', '127.8.9.10'].map(metadataAccessFor)).toEqual(Array(5).fill('public'));
    expect(['0.0.0.0', '::', '10.0.0.7', '192.168.1.2', 'example.com'].map(metadataAccessFor)).toEqual(Array(5).fill('private'));
  });

  it('when a /v1 read is not signed, then 401 names the missing Signature-Input; /openapi.json stays open', async () => {
    expectRefused(await get('/v1/status'), 'Signature-Input', /^missing$/);
    expectRefused(await get(`/v1/datasets/corpus/versions`), 'Signature-Input', /^missing$/);
    expect((await get('/openapi.json')).res.status).toBe(200);
  });

  it('when a registered contributor with no role signs a read, then it is answered', async () => {
    const r = await get('/v1/datasets/corpus/versions?asOf=3', erin);
    expect(r.res.status).toBe(200);
    expect(r.body.dataset).toBe('corpus');
  });

  it('when a batch of signed events is posted unsigned, then writes are unchanged: it is appended', async () => {
    const { event } = registration('frank');
    const r = await send(
      '/v1/events',
      { 'content-type': 'application/json' },
      {
        method: 'POST',
        body: JSON.stringify({ events: [{ envelope: event.envelope }] }),
      },
    );
    expect(r.res.status).toBe(201);
  });

  it('given the OpenAPI document, then it declares the signature scheme and asks for it on reads and on sample bytes', async () => {
    const { body } = await get('/openapi.json');
    expect(body.components.securitySchemes.httpMessageSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'Signature-Input' });
    expect(body.paths['/v1/status'].get.security).toEqual([{ httpMessageSignature: [] }]);
    expect(body.paths['/v1/events'].post.security).toBeUndefined();
    const content = body.paths['/v1/cfs/{cf}/content'].get;
    expect(content.security).toEqual([{ httpMessageSignature: [] }]);
    expect(Object.keys(content.responses).sort()).toEqual(['200', '401', '403', '404', '410', '4XX']);
    expect(content.responses['200'].content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' });
  });
});

describe('refused signatures', () => {
  it('given a Signature-Input that is not a structured field, then 401 says malformed', async () => {
    const headers = signed('/v1/status', erin);
    expectRefused(
      await send('/v1/status', { ...headers, 'signature-input': 'sig1=("@method" "@authority' }),
      'Signature-Input',
      /^malformed: /,
    );
  });

  it('given created 1000 s ago or ahead, then 401 says stale, with the window', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectRefused(await get('/v1/status', erin, { created: now - 1000 }), 'created', /^stale: .*±300 s$/);
    expectRefused(await get('/v1/status', erin, { created: now + 1000 }), 'created', /^stale: /);
  });

  it('given a keyid no contributor has, then 401 says unknown', async () => {
    const stranger = newSigner();
    expectRefused(await get('/v1/status', stranger), 'keyid', new RegExp(`^unknown: no contributor ${stranger.contributorId}`));
  });

  it('given a contributor whose key was revoked, then 401 says revoked key', async () => {
    expectRefused(await get('/v1/status', revoked), 'keyid', /^revoked key: /);
  });

  it("given a signature by another key under erin's keyid, or erin's signature sent to another path, then 401 says bad signature", async () => {
    const forged = { contributorId: erin.contributorId, secretKey: newSigner().secretKey };
    expectRefused(await get('/v1/status', forged), 'Signature', /^bad signature: /);
    const headers = signed('/v1/status', erin);
    expectRefused(await send('/v1/status/counts', headers), 'Signature', /^bad signature: /);
    expectRefused(await send('/v1/status?asOf=1', headers), 'Signature', /^bad signature: /);
  });

  it('given a request sent twice with the same signature, then the second is refused as replayed', async () => {
    const headers = signed('/v1/status', erin);
    expect((await send('/v1/status', headers)).res.status).toBe(200);
    expectRefused(await send('/v1/status', headers), 'nonce', /^replayed: /);
  });

  it('given one server process, when the same signed request arrives many times at once, then exactly one is answered', async () => {
    // Memory answers first: of requests arriving at once, one spends the nonce (replay-persisted.int.spec.ts: across processes).
    const headers = signed('/v1/status', erin);
    const all = await Promise.all(Array.from({ length: 8 }, () => send('/v1/status', headers)));
    expect(all.map((r) => r.res.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    for (const r of all.filter((x) => x.res.status === 401)) expectRefused(r, 'nonce', /^replayed: /);
  });

  it('given a client flooding bad signatures, then it is answered 429 before verifying, while another client reads as usual', async () => {
    const forged = { contributorId: erin.contributorId, secretKey: newSigner().secretKey };
    // Another client: the same machine, another loopback source address.
    const flood = () =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const url = new URL(`${base}/v1/status`);
        const req = http.request(url, { localAddress: '127.0.0.2', headers: signRequest({ method: 'GET', url }, forged) }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      });
    let answer = await flood();
    for (let i = 0; i < 40 && answer.status === 401; i++) answer = await flood();
    expect(answer.status).toBe(429);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:cairn:problem:too-many-invalid-signatures' });
    expect((await get('/v1/status', erin)).res.status).toBe(200);
  });

  it('given alg other than ed25519, then 401 names alg', async () => {
    const headers = signed('/v1/status', erin);
    const input = headers['signature-input']!.replace('alg="ed25519"', 'alg="hmac-sha256"');
    expectRefused(await send('/v1/status', { ...headers, 'signature-input': input }), 'alg', /^unsupported/);
  });

  describe('a read with a body (POST /v1/runs/{run}/attribute)', () => {
    const url = '/v1/runs/no-such-run/attribute';
    const body = JSON.stringify({ queries: [[0.5, 0.25]], topK: 1 });
    const post = (headers: Record<string, string>, sent = body) =>
      send(url, { ...headers, 'content-type': 'application/json' }, { method: 'POST', body: sent });
    const sign = (b: string) => signRequest({ method: 'POST', url: `${base}${url}`, body: new TextEncoder().encode(b) }, erin);

    it('when the body matches its signed Content-Digest, then the signature is accepted and the read answers (here: no such run)', async () => {
      const r = await post(sign(body));
      expect(r.res.status).toBe(404);
      expect(r.body.type).toBe('urn:cairn:problem:not-found');
    });

    it('when the body is not the one signed, then 401 names Content-Digest', async () => {
      expectRefused(
        await post(sign(body), JSON.stringify({ queries: [[0.5, 0.5]], topK: 1 })),
        'Content-Digest',
        /^does not match the body/,
      );
    });

    it('when the Content-Digest header is swapped for the sent body, then the signature no longer verifies', async () => {
      const other = JSON.stringify({ queries: [[1, 1]], topK: 1 });
      const headers = { ...sign(body), 'content-digest': contentDigestOf(new TextEncoder().encode(other)) };
      expectRefused(await post(headers, other), 'Signature', /^bad signature/);
    });

    it('when the signature does not cover content-digest, then 401 says so', async () => {
      const headers = signRequest({ method: 'GET', url: `${base}${url}` }, erin);
      expectRefused(await post(headers), 'Signature-Input', /does not cover "content-digest"/);
    });
  });
});

describe('GET /v1/cfs/{cf}/content', () => {
  const content = (cf: string) => `/v1/cfs/${cf}/content`;

  it("given the sample's author, then the bytes are those `cairn cat` reads, with their digest and CF id", async () => {
    const cf = fx.samples[1];
    const r = await get(content(cf), fx.alice);
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.res.headers.get('cache-control')).toBe('no-store');
    expect(r.res.headers.get('cairn-cf-id')).toBe(cf);
    const cat = must(await readSampleBytes(cairn, cf, fx.alice));
    expect(Buffer.from(r.bytes).equals(Buffer.from(cat.bytes))).toBe(true);
    expect(new TextDecoder().decode(r.bytes)).toBe('Water boils at 100 degrees Celsius at sea level.');
    expect(r.res.headers.get('content-digest')).toBe(contentDigestOf(cat.bytes));
  });

  it('given the founder (an admin, so a reader) and a CF id prefix, then it reads the bytes of the CF the prefix names', async () => {
    const cf = fx.samples[2];
    const r = await get(content(cf.slice(0, 12)), fx.curator);
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('cairn-cf-id')).toBe(cf);
    expect(new TextDecoder().decode(r.bytes)).toBe('Photosynthesis turns light into chemical energy.');
  });

  it('given a good signature without the reader role, then 403 names read-authority; once granted the role, the same contributor reads', async () => {
    const r = await get(content(fx.samples[1]), fx.carol);
    expect(r.res.status).toBe(403);
    expect(r.body).toMatchObject({
      type: 'urn:cairn:problem:forbidden',
      rule: 'read-authority',
      reason: expect.stringMatching(/reader role/),
    });
    expect(r.bytes.length).toBeLessThan(1000);
    must(await cairn.ledger.contributors.grantRole(fx.curator, fx.carol.contributorId, 'reader'));
    expect((await get(content(fx.samples[1]), fx.carol)).res.status).toBe(200);
  });

  it('given an erased sample, then its author gets 410 and no bytes', async () => {
    const r = await get(content(erased), fx.alice);
    expect(r.res.status).toBe(410);
    expect(r.body).toMatchObject({ type: 'urn:cairn:problem:erased', status: 410 });
    expect(new TextDecoder().decode(r.bytes)).not.toContain('to be forgotten');
  });

  it('given an unknown CF, then 404; given a CF that is not a sample, then 404 too', async () => {
    expect((await get(content('ab'.repeat(32)), fx.alice)).res.status).toBe(404);
    const label = must(
      await cairn.ledger.contribute.validation({ targets: [fx.samples[1]], verdict: 'approve', rationale: 'ok' }, fx.carol),
    ).id;
    must(await cairn.catchUp());
    const r = await get(content(label), fx.curator);
    expect(r.res.status).toBe(404);
    expect(r.body.detail).toMatch(/not a sample/);
  });

  it('when sample bytes are asked without a signature, then 401, whatever the metadata setting', async () => {
    expectRefused(await get(content(fx.samples[1])), 'Signature-Input', /^missing$/);
  });

  it('given a query string, then 400 names it', async () => {
    const r = await get(`${content(fx.samples[1])}?asOf=1`, fx.alice);
    expect(r.res.status).toBe(400);
    expect(r.body.field).toBe('query');
  });
});

describe('live stream tickets (a browser EventSource cannot sign)', () => {
  const ticketFor = async (signer: RequestSigner) => {
    const url = '/v1/live/tickets';
    return send(url, signRequest({ method: 'POST', url: `${base}${url}`, body: new Uint8Array() }, signer), { method: 'POST' });
  };
  /** Opens the stream; answers its status and its first bytes (the first chunk), then closes it. */
  const open = async (url: string) => {
    const controller = new AbortController();
    const res = await fetch(`${base}${url}`, { signal: controller.signal });
    if (res.headers.get('content-type') !== 'text/event-stream') {
      const body = JSON.parse(await res.text()) as Json;
      return { res, body, first: '' };
    }
    const chunk = await res.body!.getReader().read();
    controller.abort();
    return { res, body: {} as Json, first: new TextDecoder().decode(chunk.value) };
  };

  it('given private metadata, when the stream or a ticket is asked unsigned, then both are 401', async () => {
    expectRefused(await send('/v1/live'), 'Signature-Input', /^missing$/);
    expectRefused(await send('/v1/live/tickets', {}, { method: 'POST' }), 'Signature-Input', /^missing$/);
  });

  it('given a signed request for a ticket, when the stream is opened with it, then it streams once; the same ticket again is a replay', async () => {
    const issued = await ticketFor(erin);
    expect(issued.res.status).toBe(201);
    expect(issued.res.headers.get('cache-control')).toBe('no-store');
    expect(issued.body).toMatchObject({ contributorId: erin.contributorId, ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const lifetime = Date.parse(issued.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(30_000);
    expect(lifetime).toBeLessThanOrEqual(60_000);
    expect(issued.body.url).toBe(`/v1/live?ticket=${issued.body.ticket}`);
    const first = await open(issued.body.url);
    expect(first.res.status).toBe(200);
    expect(first.first).toContain('retry: 2000');
    const again = await open(issued.body.url);
    expectRefused(again, 'query.ticket', /^replayed: /);
  });

  it('given a ticket, then it opens nothing but the live stream, and a ticket this server never issued is refused', async () => {
    const issued = await ticketFor(erin);
    expectRefused(await send(`/v1/status?ticket=${issued.body.ticket}`), 'Signature-Input', /^missing$/);
    expectRefused(await open(`/v1/live?ticket=${'A'.repeat(43)}`), 'query.ticket', /^unknown: /);
    // still unspent: the refusals above did not use it
    expect((await open(issued.body.url)).res.status).toBe(200);
  });

  it('given a ticket, when the key that asked for it is revoked before it is used, then the ticket is refused', async () => {
    const gil = must(await cairn.ledger.contributors.register(newSigner().secretKey, { name: 'gil' }));
    must(await cairn.catchUp());
    const issued = await ticketFor(gil);
    expect(issued.res.status).toBe(201);
    must(await cairn.ledger.contributors.revokeKey(gil, { reason: 'compromised' }));
    expectRefused(await open(issued.body.url), 'query.ticket', /^revoked key: /);
  });
});
