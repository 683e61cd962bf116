// Every route the server registers, walked with text it cannot take as it is: a NUL character
// (which the store's text columns cannot hold), percent-escapes that are not UTF-8, `..`, and a
// request head larger than the server reads. Each is a 4xx problem document, never a 500, and the
// server answers as before afterwards. The routes are read from the server itself (its router and
// its OpenAPI document), so a route added later is walked too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Cairn } from '@cairn/client';
import { createServer, type CairnServer } from './index.js';
import { DATASET, openStore, registration, sampleItem, seed, signed, type Fixture } from './__tests__/fixture.js';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let base: URL;
let fx: Fixture;
const internalErrors: string[] = [];
/** The seeding and the walks send many requests; the machine they run on may be shared. */
const SLOW = 300_000;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-params-'));
  cairn = await openStore(dir);
  fx = await seed(cairn);
  const s = await createServer({ cairn, catchUpIntervalMs: 200, onError: (m) => internalErrors.push(m) });
  if (E.isLeft(s)) throw new Error(s.left.message);
  server = s.right;
  base = new URL(await server.listen(0, '127.0.0.1'));
}, SLOW);

afterAll(async () => {
  await server?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A request sent with its target exactly as written (fetch would normalise `..` and escapes). */
function send(method: string, target: string): Promise<Answer> {
  const withBody = method === 'POST' || method === 'PUT';
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: target,
        headers: withBody ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body }));
      },
    );
    req.on('error', reject);
    req.end(withBody ? '{}' : undefined);
  });
}

/** Bytes written on a bare socket, and the answer's status line and body, however the server ends it. */
function sendRaw(head: string): Promise<{ readonly statusLine: string; readonly contentType: string; readonly body: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    // The server may close before it has read all of a head it refuses: the write then fails.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [headText = '', body = ''] = received.split('\r\n\r\n');
      const lines = headText.split('\r\n');
      const contentType = lines.find((l) => l.toLowerCase().startsWith('content-type:'))?.slice('content-type:'.length) ?? '';
      resolve({ statusLine: lines[0] ?? '', contentType: contentType.trim(), body });
    });
    socket.end(head);
  });
}

interface Route {
  readonly method: string;
  /** As the router spells it: `/v1/versions/:ref`. */
  readonly url: string;
}

/**
 * The routes the server answers, read from its router's printed tree (one segment a line, methods
 * in brackets). Routes that name a parameter differently at one place share a node printed
 * `/:a|:b/rest`: each spelling is a candidate, and `spelledAs` picks the one a route is declared with.
 */
function registeredRoutes(spelledAs: (method: string, candidates: string[]) => string): Route[] {
  const routes: Route[] = [];
  const stack: string[][] = [];
  for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (m === null) continue;
    stack.length = m[1]!.length / 4;
    // `/:a|:b/rest`: one spelling per name, the text around it each one's.
    const label = m[2]!;
    const shared = /:\w+(?:\|:\w+)+/.exec(label);
    stack.push(
      shared === null
        ? [label]
        : shared[0].split('|').map((name) => label.slice(0, shared.index) + name + label.slice(shared.index + shared[0].length)),
    );
    const spellings = stack.reduce<string[]>((urls, segment) => urls.flatMap((u) => segment.map((s) => u + s)), ['']);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x !== '' && x !== 'HEAD'))
      routes.push({ method, url: spelledAs(method, spellings) });
  }
  return routes;
}

/** The API's routes (the explorer's static files and the OpenAPI document aside). */
const apiRoutes = (declared: Map<string, Declared>) =>
  registeredRoutes((method, spellings) => spellings.find((url) => declared.has(`${method} ${url}`)) ?? spellings.join(' | ')).filter((r) =>
    r.url.startsWith('/v1'),
  );

interface Declared {
  readonly path: readonly string[];
  readonly query: readonly string[];
}

async function declaredParameters(): Promise<Map<string, Declared>> {
  const doc = (await (await fetch(new URL('/openapi.json', base))).json()) as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  };
  const declared = new Map<string, Declared>();
  for (const [p, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const parameters = op.parameters ?? [];
      declared.set(`${method.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`, {
        path: parameters.filter((x) => x.in === 'path').map((x) => x.name),
        query: parameters.filter((x) => x.in === 'query').map((x) => x.name),
      });
    }
  return declared;
}

/** A value each path parameter takes in this ledger, so only the text under test is wrong. */
function goodValue(name: string): string {
  const values: Record<string, string> = {
    ref: `${DATASET}@latest`,
    dataset: DATASET,
    cf: fx.samples[1],
    target: fx.samples[1],
    contributorId: fx.alice.contributorId,
    contributor: fx.alice.contributorId,
    hash: '0'.repeat(64),
    row: '0',
  };
  return values[name] ?? 'run-1';
}

const targetOf = (route: Route, params: Record<string, string>, query = '') =>
  route.url.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? encodeURIComponent(goodValue(name))) + query;

/** The cases: each path parameter, then each declared query parameter, carrying `bad` (already percent-encoded). */
async function cases(bad: string): Promise<{ readonly route: Route; readonly target: string; readonly field: string }[]> {
  const declared = await declaredParameters();
  return apiRoutes(declared).flatMap((route) => {
    const d = declared.get(`${route.method} ${route.url}`) ?? { path: [], query: [] };
    return [
      ...d.path.map((p) => ({ route, target: targetOf(route, { [p]: `${encodeURIComponent(goodValue(p))}${bad}` }), field: `path.${p}` })),
      ...d.query.map((q) => ({ route, target: targetOf(route, {}, `?${q}=a${bad}b`), field: `query.${q}` })),
    ];
  });
}

interface Problem {
  readonly status: number;
  readonly type: string;
  readonly field?: string;
  readonly reason?: string;
}

const problemOf = (a: { contentType: string; body: string }): Problem | undefined =>
  a.contentType.startsWith('application/problem+json') ? (JSON.parse(a.body) as Problem) : undefined;

async function serverStillAnswers(): Promise<void> {
  expect((await send('GET', '/v1/status')).status).toBe(200);
  const show = await send('GET', `/v1/versions/${DATASET}@latest`);
  expect(show.status).toBe(200);
  expect(JSON.parse(show.body)).toMatchObject({ dataset: DATASET });
}

describe('the routes walked', () => {
  it('given the router, then every API route it answers is described in the OpenAPI document, with its path parameters', async () => {
    const declared = await declaredParameters();
    const routes = apiRoutes(declared);
    // The walk below is only as wide as what it reads: a route the printed tree lost would go unwalked.
    expect(routes.length).toBeGreaterThan(40);
    for (const route of routes) {
      const d = declared.get(`${route.method} ${route.url}`);
      expect({ route, described: d !== undefined }).toEqual({ route, described: true });
      expect([...d!.path].sort()).toEqual([...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]).sort());
    }
  });
});

describe('a NUL character in a parameter', () => {
  it(
    'given a NUL in each path parameter and each declared query parameter of every route, then each is a 400 naming the parameter, and the server still answers',
    async () => {
      const all = await cases('%00');
      expect(all.length).toBeGreaterThan(60);
      const answered = [];
      for (const c of all) {
        const a = await send(c.route.method, c.target);
        answered.push({ target: c.target, status: a.status, field: problemOf(a)?.field, reason: problemOf(a)?.reason });
      }
      expect(answered).toEqual(all.map((c) => ({ target: c.target, status: 400, field: c.field, reason: 'contains a NUL character' })));
      expect(internalErrors).toEqual([]);
      await serverStillAnswers();
    },
    SLOW,
  );

  it('given a NUL in a query parameter no route declares, then it is a 400 too (before it is weighed as unknown)', async () => {
    const a = await send('GET', '/v1/status?x%00=1');
    expect(a.status).toBe(400);
    expect(problemOf(a)).toMatchObject({ field: 'query', reason: 'a name in it contains a NUL character' });
  });

  it('given a NUL byte in a header, then the request is a 400 problem document before any route runs', async () => {
    const a = await sendRaw(`GET /v1/status HTTP/1.1\r\nHost: x\r\nIf-None-Match: "a\u0000b"\r\n\r\n`);
    expect(a.statusLine).toMatch(/^HTTP\/1\.1 400 /);
    expect(problemOf(a)).toMatchObject({ status: 400, field: 'request' });
    await serverStillAnswers();
  });
});

describe('percent-escapes that are not UTF-8', () => {
  // %ED%A0%80 spells U+D800, a surrogate, in the form UTF-8 forbids (CESU-8).
  for (const bad of ['%C3%28', '%FF', '%2G', '%ED%A0%80'])
    it(
      `given ${bad} in each path parameter and each declared query parameter of every route, then each is a 400 problem document naming where`,
      async () => {
        const all = await cases(bad);
        const answered = [];
        for (const c of all) {
          const a = await send(c.route.method, c.target);
          const p = problemOf(a);
          answered.push({ target: c.target, status: a.status, field: p?.field });
        }
        expect(answered).toEqual(
          all.map((c) => ({ target: c.target, status: 400, field: c.field.startsWith('path.') ? 'path' : c.field })),
        );
        expect(internalErrors).toEqual([]);
        await serverStillAnswers();
      },
      SLOW,
    );
});

describe('dot segments', () => {
  // `..` is text like any other here (no route reads a file by a parameter): a search may find
  // nothing for it (200), a lookup refuses it (4xx); neither is a failure of the server.
  it(
    'given `..` as each path parameter and each declared query parameter of every route, then none is a 5xx, and every 4xx is a problem document',
    async () => {
      const declared = await declaredParameters();
      const targets = apiRoutes(declared).flatMap((route) => {
        const d = declared.get(`${route.method} ${route.url}`) ?? { path: [], query: [] };
        return [
          ...d.path.map((p) => ({ route, target: targetOf(route, { [p]: '..' }) })),
          ...d.query.map((q) => ({ route, target: targetOf(route, {}, `?${q}=..`) })),
        ];
      });
      const answered = [];
      for (const { route, target } of targets) {
        const a = await send(route.method, target);
        answered.push({ target, serverError: a.status >= 500, problemIfRefused: a.status < 400 || problemOf(a) !== undefined });
      }
      expect(answered).toEqual(targets.map(({ target }) => ({ target, serverError: false, problemIfRefused: true })));
      expect(internalErrors).toEqual([]);
      await serverStillAnswers();
    },
    SLOW,
  );
});

describe('a request head larger than the server reads', () => {
  it('given a 5 MB query string, then it is a 431 problem document and the server still answers', async () => {
    const a = await sendRaw(`GET /v1/diff?from=${'a'.repeat(5 * 1024 * 1024)}&to=b HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(a.statusLine).toMatch(/^HTTP\/1\.1 431 /);
    expect(problemOf(a)).toMatchObject({ status: 431, field: 'request', reason: expect.stringMatching(/larger than \d+ bytes/) });
    await serverStillAnswers();
  });

  it('given a path parameter longer than the router reads, then it is a 414 problem document naming the path', async () => {
    const a = await send('GET', `/v1/versions/${'a'.repeat(300)}`);
    expect(a.status).toBe(414);
    expect(problemOf(a)).toMatchObject({ status: 414, field: 'path' });
  });

  it('given the longest valid version reference (a 64-character name and a version id), then it is looked up, not refused as too long', async () => {
    const a = await send('GET', `/v1/versions/${'d'.repeat(64)}@${'0'.repeat(64)}`);
    expect(a.status).toBe(404);
    expect(problemOf(a)).toMatchObject({ status: 404 });
  });

  it('given a query string just within the limit, then the route refuses the parameter by name (400)', async () => {
    const a = await send('GET', `/v1/diff?from=${'a'.repeat(12 * 1024)}&to=b&asOf=${'9'.repeat(2000)}`);
    expect(a.status).toBe(400);
    expect(problemOf(a)).toMatchObject({ field: 'query.asOf' });
  });
});

/** A JSON body posted as it is written. */
async function postJson(route: string, body: unknown): Promise<Answer> {
  const res = await fetch(new URL(route, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('a NUL character in a JSON body string', () => {
  it(
    'given signed events carrying a NUL in a payload string, then the batch is a 4xx naming the field, and nothing is appended',
    async () => {
      const headBefore = JSON.parse((await send('GET', '/v1/status')).body).head as string;
      const label = signed('LabelContributed', { targets: [fx.samples[1]], labelType: 'topic', value: 'a\u0000b' }, fx.carol);
      const { event: named } = registration('nul\u0000name');
      const sample = sampleItem('bytes', fx.alice, { source: 'nul\u0000source' });
      const answered = [];
      for (const item of [{ envelope: label.envelope }, { envelope: named.envelope }, sample.item]) {
        const a = await postJson('/v1/events', { events: [item] });
        answered.push({ status: a.status, problem: problemOf(a) });
      }
      for (const a of answered) {
        expect(a.status).toBeGreaterThanOrEqual(400);
        expect(a.status).toBeLessThan(500);
        expect(a.problem).toMatchObject({ field: expect.any(String), reason: expect.any(String) });
      }
      expect(JSON.parse((await send('GET', '/v1/status')).body).head).toBe(headBefore);
      expect(internalErrors).toEqual([]);
    },
    SLOW,
  );

  it('given a NUL in the ids of a labels read, then it is a 400 naming the id', async () => {
    const a = await postJson('/v1/labels', { ids: [fx.alice.contributorId, 'a\u0000b'] });
    expect(a.status).toBe(400);
    expect(problemOf(a)).toMatchObject({ field: 'body.ids[1]', reason: 'contains a NUL character' });
    expect(internalErrors).toEqual([]);
  });

  it('given a statement to check whose predicate names a version, a run or a contributor with a NUL, then it is a 400 naming where', async () => {
    const statement = (predicate: unknown) => ({
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from(
        JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'x', predicate }),
      ).toString('base64'),
      signatures: [{ keyid: 'k', sig: 'AA==' }],
    });
    const answered = [];
    for (const [kind, predicate] of [
      ['attestation', { versionId: 'a\u0000b', merkleRoot: 'r', manifestId: 'm' }],
      ['passport', { run: { runId: 'a\u0000b' }, signedBy: { contributorId: fx.alice.contributorId } }],
      ['attestation', { attestedBy: { contributorId: 'a\u0000b', publicKey: 'p' }, position: '1' }],
    ] as const) {
      const a = await postJson('/v1/statements/checks', { kind, envelope: statement(predicate) });
      answered.push({ status: a.status, problem: problemOf(a) });
    }
    expect(answered).toEqual([
      {
        status: 400,
        problem: expect.objectContaining({ field: 'body.envelope.payload.predicate.versionId', reason: 'contains a NUL character' }),
      },
      {
        status: 400,
        problem: expect.objectContaining({ field: 'body.envelope.payload.predicate.run.runId', reason: 'contains a NUL character' }),
      },
      {
        status: 400,
        problem: expect.objectContaining({
          field: 'body.envelope.payload.predicate.attestedBy.contributorId',
          reason: 'contains a NUL character',
        }),
      },
    ]);
    expect(internalErrors).toEqual([]);
  });
});

/** Bytes posted as a JSON body exactly as given (fetch would send a string's lone surrogate as U+FFFD). */
async function postBytes(route: string, bytes: Uint8Array): Promise<Answer> {
  const res = await fetch(new URL(route, base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('text with no UTF-8 form in a JSON body', () => {
  // JSON.stringify writes a lone surrogate as the escape `\ud800`, which JSON.parse reads back as it.
  it('given an unpaired surrogate escape in the ids of a labels read, then it is a 400 naming the id and the surrogate', async () => {
    const answered = [];
    for (const id of ['a\uD800b', '\uDC00', 'b\uDBFF']) {
      const a = await postJson('/v1/labels', { ids: [fx.alice.contributorId, id] });
      answered.push({ status: a.status, field: problemOf(a)?.field, reason: problemOf(a)?.reason });
    }
    expect(answered).toEqual(
      ['U+D800', 'U+DC00', 'U+DBFF'].map((unit) => ({
        status: 400,
        field: 'body.ids[1]',
        reason: `contains an unpaired UTF-16 surrogate ${unit}`,
      })),
    );
    expect(internalErrors).toEqual([]);
  });

  it('given a surrogate pair in the ids of a labels read, then it is read as the one character it spells', async () => {
    const a = await postJson('/v1/labels', { ids: [fx.alice.contributorId, 'a\uD83D\uDE00b'] });
    expect(a.status).toBe(200);
  });

  it('given an unpaired surrogate in a name of the body, then it is a 400 saying so', async () => {
    const a = await postJson('/v1/labels', { ids: [fx.alice.contributorId], ['x\uD800']: 1 });
    expect(a.status).toBe(400);
    expect(problemOf(a)).toMatchObject({ field: 'body', reason: 'a name in it contains an unpaired UTF-16 surrogate U+D800' });
  });

  it(
    'given a signed event whose payload text was given an unpaired surrogate, then the batch is a 400 naming the field, and nothing is appended',
    async () => {
      const headBefore = JSON.parse((await send('GET', '/v1/status')).body).head as string;
      const label = signed('LabelContributed', { targets: [fx.samples[1]], labelType: 'topic', value: 'ab' }, fx.carol);
      const envelope = { ...label.envelope, payload: { ...(label.envelope.payload as object), value: 'a\uD800b' } };
      const a = await postJson('/v1/events', { events: [{ envelope }] });
      expect({ status: a.status, field: problemOf(a)?.field, reason: problemOf(a)?.reason }).toEqual({
        status: 400,
        field: 'body.events[0].envelope.payload.value',
        reason: 'contains an unpaired UTF-16 surrogate U+D800',
      });
      expect(JSON.parse((await send('GET', '/v1/status')).body).head).toBe(headBefore);
      expect(internalErrors).toEqual([]);
    },
    SLOW,
  );

  it('given a body whose bytes are not UTF-8 (a surrogate spelt ED A0 80, a Latin-1 byte), then it is a 400 naming the body', async () => {
    const answered = [];
    for (const bad of [[0xed, 0xa0, 0x80], [0xe9]]) {
      const bytes = Buffer.concat([Buffer.from(`{"ids":["${fx.alice.contributorId}","a`), Buffer.from(bad), Buffer.from('b"]}')]);
      const a = await postBytes('/v1/labels', bytes);
      answered.push({ status: a.status, field: problemOf(a)?.field, reason: problemOf(a)?.reason });
    }
    expect(answered).toEqual([
      { status: 400, field: 'body', reason: 'is not well-formed UTF-8' },
      { status: 400, field: 'body', reason: 'is not well-formed UTF-8' },
    ]);
    expect(internalErrors).toEqual([]);
  });

  it('given a body in well-formed UTF-8 with characters past ASCII, then it is read as it is', async () => {
    const a = await postBytes('/v1/labels', Buffer.from(JSON.stringify({ ids: [fx.alice.contributorId, 'é😀'] }), 'utf8'));
    expect(a.status).toBe(200);
  });

  it('given a statement to check whose predicate names a version with an unpaired surrogate, then it is a 400 naming where', async () => {
    const payload = JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [],
      predicateType: 'x',
      predicate: { versionId: 'a\uD800b', merkleRoot: 'r', manifestId: 'm' },
    });
    const envelope = {
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from(payload).toString('base64'),
      signatures: [{ keyid: 'k', sig: 'AA==' }],
    };
    const a = await postJson('/v1/statements/checks', { kind: 'attestation', envelope });
    expect({ status: a.status, field: problemOf(a)?.field, reason: problemOf(a)?.reason }).toEqual({
      status: 400,
      field: 'body.envelope.payload.predicate.versionId',
      reason: expect.stringMatching(/^string contains a lone surrogate at offset \d+$/),
    });
  });

  it('given a statement to check whose payload is JSON but not an object, then it is a 400 naming the payload, not a 500', async () => {
    const envelope = {
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from('null').toString('base64'),
      signatures: [{ keyid: 'k', sig: 'AA==' }],
    };
    const a = await postJson('/v1/statements/checks', { kind: 'passport', envelope });
    expect({ status: a.status, field: problemOf(a)?.field, reason: problemOf(a)?.reason }).toEqual({
      status: 400,
      field: 'body.envelope.payload',
      reason: 'expected a JSON object',
    });
  });

  it('given a statement to check whose payload bytes are not UTF-8, then it is a 400 naming the payload, not a check of U+FFFD', async () => {
    const bytes = Buffer.from('{"_type":"https://in-toto.io/Statement/v1","predicate":{"versionId":"a_b"}}');
    bytes[bytes.indexOf(0x5f)] = 0xff;
    const envelope = {
      payloadType: 'application/vnd.in-toto+json',
      payload: bytes.toString('base64'),
      signatures: [{ keyid: 'k', sig: 'AA==' }],
    };
    const a = await postJson('/v1/statements/checks', { kind: 'attestation', envelope });
    expect({ status: a.status, field: problemOf(a)?.field, reason: problemOf(a)?.reason }).toEqual({
      status: 400,
      field: 'body.envelope.payload',
      reason: 'not well-formed UTF-8',
    });
  });
});
