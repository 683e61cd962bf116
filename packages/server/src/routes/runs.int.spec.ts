// The training side's routes (routes/runs.ts) over one small embedded store: a gradient artifact
// uploaded by its content hash, and the facts record-run, record-gradients, attribute, passport,
// attest, record-keeping and contamination read. Every malformed request is a 4xx problem naming
// the field; nothing a refused upload sent is kept.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { ATTRIBUTE_ROWS_PER_REQUEST, localRunFacts, openRemoteRuns, storeRunArtifact, type Cairn } from '@cairn/client';
import { signRequest, type RequestSigner } from '@cairn/core';
import { publicKeyHexOf } from '@cairn/sdk';
import { createServer, type CairnServer } from '../index.js';
import { DATASET, openSeededStore, seededStoresReady, type Fixture } from '../__tests__/fixture.js';

const ARTIFACT_LIMIT = 4096;
const RUN = 'run-routes';

let dir: string;
let cairn: Cairn;
let server: CairnServer;
let privateServer: CairnServer;
let base: string;
let privateBase: string;
let fx: Fixture;

type Json = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A 2-D (or, with cols undefined, 1-D) little-endian float32 .npy of deterministic values. */
function npy(rows: number, cols: number | undefined, seed: number): Uint8Array {
  const shape = cols === undefined ? `(${rows},)` : `(${rows}, ${cols})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const n = rows * (cols ?? 1);
  const out = Buffer.alloc(10 + header.length + n * 4);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  for (let i = 0; i < n; i++) out.writeFloatLE(((seed + i) % 7) / 7 - 0.5, 10 + header.length + i * 4);
  return new Uint8Array(out);
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// The run's seeded template under its own time limit: the first file of a run makes it.
beforeAll(() => seededStoresReady(), 300_000);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cairn-run-routes-'));
  ({ cairn, fx: fx } = await openSeededStore(dir));
  const versions = await cairn.datasetVersions(DATASET);
  if (E.isLeft(versions)) throw new Error(JSON.stringify(versions.left));
  const v = versions.right.versions[0]!;
  const run = await cairn.ledger.runs.record(
    {
      runId: RUN,
      dataset: { name: DATASET, versionId: v.versionId },
      codeVersion: 'git:routes',
      seeds: {},
      hyperparameters: {},
      environment: {},
      modelHash: 'ef'.repeat(32),
    },
    fx.alice,
  );
  if (E.isLeft(run)) throw new Error(JSON.stringify(run.left));
  for (const [metadata, set] of [
    ['public', (s: CairnServer, url: string) => ((server = s), (base = url))],
    ['private', (s: CairnServer, url: string) => ((privateServer = s), (privateBase = url))],
  ] as const) {
    const s = await createServer({ cairn, metadata, artifactLimit: ARTIFACT_LIMIT, catchUpIntervalMs: 200, onError: () => undefined });
    if (E.isLeft(s)) throw new Error(s.left.message);
    set(s.right, await s.right.listen(0, '127.0.0.1'));
  }
});

afterAll(async () => {
  await server?.close();
  await privateServer?.close();
  await cairn?.close();
  await rm(dir, { recursive: true, force: true });
});

async function send(url: string, init: RequestInit = {}, at = base) {
  const res = await fetch(`${at}${url}`, init);
  const text = await res.text();
  return { res, body: (text === '' ? undefined : JSON.parse(text)) as Json };
}

/** An upload signed by `signer` (Alice, a registered contributor, unless told), as the SDK sends one. */
const put = (
  name: string,
  bytes: Uint8Array,
  query = '?kind=gradients',
  type = 'application/octet-stream',
  signer: RequestSigner = fx.alice,
) =>
  send(`/v1/artifacts/${name}${query}`, {
    method: 'PUT',
    headers: { 'content-type': type, ...signRequest({ method: 'PUT', url: `${base}/v1/artifacts/${name}${query}`, body: bytes }, signer) },
    body: bytes,
  });

function expectProblem(r: { res: Response; body: Json }, status: number, field?: string) {
  expect(r.res.status).toBe(status);
  expect(r.res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^urn:cairn:problem:/), detail: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/\n\s+at /);
  if (field !== undefined) expect(r.body.field).toBe(field);
}

const stored = (hash: string) => existsSync(path.join(dir, 'artifacts', `${hash}.npy`));

describe('PUT /v1/artifacts/:hash: a gradient artifact by its content hash', () => {
  // Lineage metadata may be open to anyone; the store's disk is not: every upload is signed.
  it('given a server whose metadata is public, when an upload comes unsigned, then 401 names the signature and nothing is stored', async () => {
    const bytes = npy(2, 2, 9);
    const r = await send(`/v1/artifacts/${sha(bytes)}?kind=gradients`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expectProblem(r, 401, 'Signature-Input');
    expect(r.res.headers.get('accept-signature')).toContain('sig1');
    expect(stored(sha(bytes))).toBe(false);
  });

  it('given an upload signed by a key no contributor registered, then 401 names the keyid and nothing is stored', async () => {
    const bytes = npy(2, 2, 10);
    const stranger = { contributorId: 'f'.repeat(64), secretKey: fx.alice.secretKey.map((b) => b ^ 1) };
    expectProblem(await put(sha(bytes), bytes, '?kind=gradients', 'application/octet-stream', stranger), 401, 'keyid');
    expect(stored(sha(bytes))).toBe(false);
  });

  it('given a float32 matrix named by its SHA-256, then it is stored under that name with its shape; sent again, the same answer', async () => {
    const bytes = npy(3, 4, 1);
    const first = await put(sha(bytes), bytes);
    expect(first.res.status).toBe(200);
    expect(first.body).toEqual({ contentHash: sha(bytes), rows: 3, dims: 4 });
    expect(new Uint8Array(await readFile(path.join(dir, 'artifacts', `${sha(bytes)}.npy`)))).toEqual(bytes);
    const again = await put(sha(bytes), bytes);
    expect([again.res.status, again.body]).toEqual([200, first.body]);
  });

  it('given a weights vector with kind=weights, then it is stored with its rows', async () => {
    const bytes = npy(5, undefined, 2);
    const r = await put(sha(bytes), bytes, '?kind=weights');
    expect([r.res.status, r.body]).toEqual([200, { contentHash: sha(bytes), rows: 5 }]);
  });

  it('given bytes whose SHA-256 is not the name, then 400 names the body and nothing is stored under either hash', async () => {
    const bytes = npy(2, 2, 3);
    const claimed = 'a'.repeat(64);
    expectProblem(await put(claimed, bytes), 400, 'body');
    expect(stored(claimed)).toBe(false);
    expect(stored(sha(bytes))).toBe(false);
  });

  it.each([
    ['a path climbing out', '..%2F..%2Fetc%2Fpasswd'],
    ['dots', '..'],
    ['upper-case hex', 'A'.repeat(64)],
    ['too short', 'abc'],
    ['not hex', 'g'.repeat(64)],
  ])('given a name that is %s, then 400 names path.hash', async (_what, name) => {
    const bytes = npy(1, 1, 4);
    const r = await put(name, bytes);
    expect(r.res.status).toBeGreaterThanOrEqual(400);
    expect(r.res.status).toBeLessThan(500);
    if (r.res.status === 400) expect(r.body.field).toBe('path.hash');
  });

  it('given a body larger than the cap, then 413 says the limit in a problem document and nothing is stored', async () => {
    const bytes = npy(40, 40, 5);
    expect(bytes.length).toBeGreaterThan(ARTIFACT_LIMIT);
    const r = await put(sha(bytes), bytes);
    expectProblem(r, 413, 'body');
    expect(r.body.detail).toContain(String(ARTIFACT_LIMIT));
    expect(stored(sha(bytes))).toBe(false);
  });

  it.each([
    ['no kind', '', 'query.kind'],
    ['an unknown kind', '?kind=logits', 'query.kind'],
    ['an unknown query field', '?kind=gradients&rows=3', 'query.rows'],
  ])('given %s (%s), then 400 names the query field', async (_what, query, field) => {
    const bytes = npy(1, 2, 6);
    expectProblem(await put(sha(bytes), bytes, query), 400, field);
  });

  it('given bytes that are no .npy, then 400 names what the reader refused and nothing is stored', async () => {
    const bytes = new TextEncoder().encode('not an npy file at all');
    const r = await put(sha(bytes), bytes);
    expectProblem(r, 400);
    expect(String(r.body.field)).toMatch(/^body\./);
    expect(stored(sha(bytes))).toBe(false);
  });

  it('given a matrix sent as kind=weights, then 400: weights are one per row', async () => {
    const bytes = npy(3, 2, 7);
    expectProblem(await put(sha(bytes), bytes, '?kind=weights'), 400);
    expect(stored(sha(bytes))).toBe(false);
  });

  it('given a JSON body, then 415: an artifact is raw bytes', async () => {
    const body = new TextEncoder().encode('{"rows":[1,2]}');
    expectProblem(await put(sha(body), body, '?kind=gradients', 'application/json'), 415);
  });
});

describe('the facts the training side reads', () => {
  it('given a version, then resolve and member-ids answer what the store does', async () => {
    const r = await send(`/v1/versions/${DATASET}@1/resolve`);
    expect(r.res.status).toBe(200);
    const local = await cairn.resolveVersion(`${DATASET}@1`);
    expect(r.body).toEqual(
      JSON.parse(JSON.stringify(E.getOrElseW(() => null)(local), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))),
    );
    const ids = await send(`/v1/versions/${DATASET}@1/member-ids`);
    expect(ids.body).toEqual({ ids: E.getOrElseW(() => null)(await cairn.memberIds(`${DATASET}@1`)) });
  });

  it.each([
    ['member-ids of a version that does not exist', `/v1/versions/${DATASET}@99/member-ids`, 404, undefined],
    ['attest-facts of a dataset that does not exist', '/v1/versions/nothing@1/attest-facts', 404, undefined],
    ['member-ids with a malformed asOf', `/v1/versions/${DATASET}@1/member-ids?asOf=yesterday`, 400, 'query.asOf'],
    ['resolve with an unknown query field', `/v1/versions/${DATASET}@1/resolve?limit=3`, 400, 'query.limit'],
    ['the estimator of a run the log does not hold', '/v1/runs/no-such-run/estimator', 404, undefined],
    ['the columns of a run the log does not hold', '/v1/runs/no-such-run/columns', 404, undefined],
    ['columns with an unknown query field', `/v1/runs/${RUN}/columns?top=3`, 400, 'query.top'],
    ['the record-keeping of a run the log does not hold', '/v1/runs/no-such-run/record-keeping', 404, undefined],
    ['record-keeping with an unknown query field', `/v1/runs/${RUN}/record-keeping?jsonl=1`, 400, 'query.jsonl'],
    ['contamination without against', `/v1/contamination?train=${DATASET}@1`, 400, 'query.against'],
    [
      'contamination with a threshold that is no number',
      `/v1/contamination?train=${DATASET}@1&against=${DATASET}@2&threshold=high`,
      400,
      'query.threshold',
    ],
    [
      'contamination with a threshold above 1',
      `/v1/contamination?train=${DATASET}@1&against=${DATASET}@2&threshold=2`,
      400,
      'query.threshold',
    ],
    ['contamination of a version that does not exist', `/v1/contamination?train=${DATASET}@9&against=${DATASET}@1`, 404, undefined],
    ['contamination of a version against itself', `/v1/contamination?train=${DATASET}@1&against=${DATASET}@1`, 400, undefined],
    ['key-refusal with a public key that is not hex', `/v1/contributors/x/key-refusal?publicKey=zz`, 400, 'query.publicKey'],
    ['key-refusal without a public key', `/v1/contributors/x/key-refusal`, 400, 'query.publicKey'],
  ])('given %s (%s), then a %i problem', async (_what, url, status, field) => {
    expectProblem(await send(url), status, field);
  });

  it('given the record-keeping of a recorded run, then its events come with proofs under the current head', async () => {
    const r = await send(`/v1/runs/${RUN}/record-keeping`);
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('cache-control')).toBe('no-store');
    expect(r.body.runId).toBe(RUN);
    expect(r.body.events.map((e: { role: string }) => e.role)).toContain('run');
    const leaves = r.body.events.map((e: { leafIndex: number }) => e.leafIndex) as number[];
    expect(r.body.checkpoint.treeHead.size).toBeGreaterThan(Math.max(...leaves));
    for (const e of r.body.events) expect(Array.isArray(e.inclusionProof)).toBe(true);
  });

  it("given a contributor's current key, then no refusal; another key, then why it would not stand", async () => {
    const current = await send(`/v1/contributors/${fx.alice.contributorId}/key-refusal?publicKey=${publicKeyHexOf(fx.alice.secretKey)}`);
    expect([current.res.status, current.body]).toEqual([200, { refusal: null }]);
    const other = await send(`/v1/contributors/${fx.alice.contributorId}/key-refusal?publicKey=${publicKeyHexOf(fx.carol.secretKey)}`);
    expect(other.body).toEqual({ refusal: 'has rotated to another key' });
  });
});

describe('attribute over HTTP', () => {
  it('given more query rows than one request carries, then the server scores them in parts to the local answer, rows numbered as in the file', async () => {
    const members = E.getOrElseW(() => [] as readonly string[])(await cairn.memberIds(`${DATASET}@1`));
    for (const [split, seed] of [
      ['train', 11],
      ['query', 23],
    ] as const) {
      const bytes = npy(members.length, 4, seed);
      const artifact = await storeRunArtifact(cairn, 'gradients', bytes);
      if (E.isLeft(artifact)) throw new Error(artifact.left.message);
      const recorded = await cairn.ledger.runs.recordGradients(
        {
          runId: RUN,
          split,
          artifact: { contentHash: artifact.right.contentHash, format: 'npy', rows: members.length, dims: 4, dtype: 'float32' },
          rowMap: [...members],
          ...(split === 'train' ? { kind: 'loss-gradients' } : {}),
        },
        fx.alice,
      );
      if (E.isLeft(recorded)) throw new Error(JSON.stringify(recorded.left));
    }
    await cairn.catchUp();
    const queries = npy(ATTRIBUTE_ROWS_PER_REQUEST + 3, 4, 5);
    const local = await localRunFacts(cairn).attribute(RUN, queries, 2);
    if (E.isLeft(local)) throw new Error(local.left.message);
    expect(local.right.queries.at(-1)!.queryRow).toBe(ATTRIBUTE_ROWS_PER_REQUEST + 2);
    expect(await openRemoteRuns({ kind: 'http', url: base }).attribute(RUN, queries, 2)).toEqual(local);
  });

  it('given every train row asked for (--top all), then the streamed matrix is the local one, float for float, with the same columns', async () => {
    const queries = npy(100, 4, 7);
    const collect = async (facts: ReturnType<typeof localRunFacts>) => {
      const m = await facts.attributionScores(RUN, queries);
      if (E.isLeft(m)) throw new Error(m.left.message);
      const floats: number[] = [];
      for await (const block of m.right.blocks) floats.push(...block.data);
      return { rows: m.right.rows, cols: m.right.cols, columns: m.right.columns, floats };
    };
    const local = await collect(localRunFacts(cairn));
    expect(local.floats).toHaveLength(100 * local.cols);
    expect(await collect(openRemoteRuns({ kind: 'http', url: base }))).toEqual(local);
  });

  it.each([
    ['bytes that are no .npy', new TextEncoder().encode('not an npy'), 'application/octet-stream', RUN, 400, 'body'],
    ['rows of the wrong width', npy(2, 3, 1), 'application/octet-stream', RUN, 400, 'body.queries'],
    ['a run the server does not hold', npy(2, 4, 1), 'application/octet-stream', 'no-such-run', 404, undefined],
    ['a JSON body', new TextEncoder().encode('{"queries":[[1]]}'), 'application/json', RUN, 415, undefined],
  ])('given the score matrix asked with %s, then a %i problem before any score is sent', async (_what, bytes, type, run, status, field) => {
    for (const route of ['scores', 'scores.npy'])
      expectProblem(
        await send(`/v1/runs/${run}/${route}`, { method: 'POST', headers: { 'content-type': type }, body: bytes }),
        status,
        field,
      );
  });

  it('given query rows of the wrong width, then the refusal names the queries as the local store does', async () => {
    const remote = await openRemoteRuns({ kind: 'http', url: base }).attribute(RUN, npy(2, 3, 1), 2);
    expect(remote).toMatchObject(E.left({ _tag: 'UsageError', field: 'body.queries' }));
  });
});

describe('the SDK uploading to a server whose metadata is public', () => {
  it('given a signer, then the upload is signed and stored; given none, then it is refused as unsigned', async () => {
    const bytes = npy(2, 3, 11);
    const anonymous = await openRemoteRuns({ kind: 'http', url: base }).storeArtifact('gradients', bytes);
    expect(E.isLeft(anonymous)).toBe(true);
    expect(stored(sha(bytes))).toBe(false);
    const remote = openRemoteRuns({ kind: 'http', url: base }, { signer: fx.alice });
    expect(await remote.storeArtifact('gradients', bytes)).toEqual(E.right({ contentHash: sha(bytes), rows: 2, dims: 3 }));
    expect(stored(sha(bytes))).toBe(true);
  });
});

describe('on a server keeping lineage metadata private', () => {
  const signedGet = (url: string, signer: RequestSigner, options: Parameters<typeof signRequest>[2] = {}) =>
    send(url, { headers: signRequest({ method: 'GET', url: `${privateBase}${url}` }, signer, options) }, privateBase);

  it.each([`/v1/runs/${RUN}/record-keeping`, `/v1/versions/${DATASET}@1/member-ids`, `/v1/versions/${DATASET}@1/attest-facts`])(
    'given %s unsigned, with a stale signature, or with one by an unregistered key, then 401 and no answer',
    async (url) => {
      expectProblem(await send(url, {}, privateBase), 401);
      expectProblem(await signedGet(url, fx.alice, { created: Math.floor(Date.now() / 1000) - 1000 }), 401, 'created');
      const stranger = { contributorId: 'f'.repeat(64), secretKey: fx.alice.secretKey.map((b) => b ^ 1) };
      expectProblem(await signedGet(url, stranger), 401);
      expect((await signedGet(url, fx.alice)).res.status).toBe(200);
    },
  );

  it('given an upload unsigned, then 401 and nothing is stored; signed by a registered contributor, it is stored', async () => {
    const bytes = npy(2, 3, 8);
    const url = `/v1/artifacts/${sha(bytes)}?kind=gradients`;
    expectProblem(
      await send(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes }, privateBase),
      401,
    );
    expect(stored(sha(bytes))).toBe(false);
    const remote = openRemoteRuns({ kind: 'http', url: privateBase }, { signer: fx.alice });
    expect(await remote.storeArtifact('gradients', bytes)).toEqual(E.right({ contentHash: sha(bytes), rows: 2, dims: 3 }));
    expect(stored(sha(bytes))).toBe(true);
  });
});

describe('the OpenAPI document', () => {
  it('describes the upload as raw bytes and every training-side read with its query fields', async () => {
    const { body } = await send('/openapi.json');
    expect(Object.keys(body.paths['/v1/artifacts/{hash}'].put.requestBody.content)).toEqual(['application/octet-stream']);
    for (const p of ['/v1/runs/{run}/scores', '/v1/runs/{run}/scores.npy'])
      expect(Object.keys(body.paths[p].post.requestBody.content)).toEqual(['application/octet-stream']);
    expect(Object.keys(body.paths['/v1/runs/{run}/scores.npy'].post.responses['200'].content)).toEqual(['application/octet-stream']);
    // This server's metadata is public, and still the upload asks for a signature.
    expect(body.paths['/v1/artifacts/{hash}'].put.security).toEqual([{ httpMessageSignature: [] }]);
    expect(body.paths['/v1/artifacts/{hash}'].put.responses['401']).toBeDefined();
    const names = (p: string) => (body.paths[p].get.parameters as { name: string }[]).map((x) => x.name);
    expect(names('/v1/contamination')).toEqual(['train', 'against', 'threshold']);
    expect(names('/v1/contributors/{contributor}/key-refusal')).toEqual(['contributor', 'publicKey']);
    for (const p of ['/v1/versions/{ref}/member-ids', '/v1/versions/{ref}/attest-facts', '/v1/runs/{run}/record-keeping'])
      expect(body.paths[p].get).toBeDefined();
  });
});
