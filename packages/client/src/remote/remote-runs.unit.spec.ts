// The training side's facts asked of a server: each is one request to the route the server
// answers it on, its refusals are the errors a local store gives (with their sentence), and an
// artifact goes up as raw bytes named by their SHA-256.
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { matrixF32, writeNpy } from '@cairn/kernel';
import { openRemoteRuns } from './remote-runs.js';

interface Asked {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | undefined;
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const problem = (status: number, kind: string, detail: string, extra: Record<string, unknown> = {}) =>
  json(status, { type: `urn:cairn:problem:${kind}`, title: kind, status, detail, ...extra }, 'application/problem+json');

const serving = (answer: (asked: Asked) => Response, signed = false) => {
  const asked: Asked[] = [];
  const send = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const a = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body as Uint8Array | undefined,
    };
    asked.push(a);
    return answer(a);
  }) as typeof fetch;
  const signer = signed ? { signer: { contributorId: 'c'.repeat(64), secretKey: new Uint8Array(32).fill(7) } } : {};
  return { facts: openRemoteRuns({ kind: 'http', url: 'http://ledger.test' }, { ...signer, fetch: send }), asked };
};

describe('openRemoteRuns', () => {
  it('given artifact bytes, then they are PUT as octet-stream under their SHA-256, signed with a digest of the body', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const hash = createHash('sha256').update(bytes).digest('hex');
    const { facts, asked } = serving(() => json(200, { contentHash: hash, rows: 1, dims: 1 }), true);
    expect(await facts.storeArtifact('weights', bytes)).toEqual(E.right({ contentHash: hash, rows: 1, dims: 1 }));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ url: `http://ledger.test/v1/artifacts/${hash}?kind=weights`, method: 'PUT', body: bytes });
    expect(asked[0]!.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-digest': expect.stringMatching(/^sha-256=:/),
    });
  });

  it('given an artifact the server refuses, then the .npy field is named as locally, and too large is a usage error', async () => {
    const bytes = new Uint8Array([9]);
    const bad = serving(
      () => problem(400, 'invalid-request', 'body.magic: not an .npy', { field: 'body.magic', reason: 'not an .npy' }),
      true,
    );
    expect(await bad.facts.storeArtifact('gradients', bytes)).toEqual(
      E.left(expect.objectContaining({ _tag: 'UsageError', field: 'magic', reason: 'not an .npy' })),
    );
    const big = serving(() => problem(413, 'too-large', 'an artifact upload is at most 4096 bytes', { field: 'body' }), true);
    expect(await big.facts.storeArtifact('gradients', bytes)).toEqual(
      E.left(expect.objectContaining({ _tag: 'UsageError', field: 'body', message: 'an artifact upload is at most 4096 bytes' })),
    );
  });

  it('given no signer, then an upload is not sent: the usage error says it must be signed', async () => {
    const { facts, asked } = serving(() => json(200, {}));
    expect(await facts.storeArtifact('gradients', new Uint8Array([1]))).toEqual(
      E.left(expect.objectContaining({ _tag: 'UsageError', field: 'signer', reason: expect.stringContaining('signed') })),
    );
    expect(asked).toHaveLength(0);
  });

  it('given a run the server does not hold, then the refusal is a not-found with the server’s sentence', async () => {
    const { facts, asked } = serving(() => problem(404, 'not-found', 'no training run "r9" in the log'));
    const r = await facts.passport('r9');
    expect(asked.map((a) => a.url)).toEqual(['http://ledger.test/v1/runs/r9/passport']);
    expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'VersionNotFound', message: 'no training run "r9" in the log' })));
  });

  it('given an unsigned read a private server refuses, then a usage error says to sign as a contributor', async () => {
    const { facts } = serving(() => problem(401, 'signature-required', 'sign it'));
    const r = await facts.recordKeeping('r1');
    expect(r).toEqual(
      E.left(expect.objectContaining({ _tag: 'UsageError', field: 'signer', message: expect.stringContaining('--as NAME') })),
    );
  });

  it('given a threshold and two refs, then contamination asks one query with all three', async () => {
    const { facts, asked } = serving(() => json(200, { trainRef: {}, evalRef: {}, report: {} }));
    expect(E.isRight(await facts.contamination('a@1', 'b@2', 0.5))).toBe(true);
    expect(asked[0]!.url).toBe('http://ledger.test/v1/contamination?train=a%401&against=b%402&threshold=0.5');
  });

  it('given an answer that is not the document asked for, then the server is Unavailable, not trusted', async () => {
    const { facts } = serving(() => json(200, { ids: 'not a list' }));
    expect(await facts.memberIds('corpus@1')).toEqual(E.left(expect.objectContaining({ _tag: 'Unavailable' })));
  });

  it('given attest facts with positions as decimal text, then the positions are bigints again', async () => {
    const ref = { dataset: 'corpus', versionId: 'a'.repeat(64), ordinal: 1, manifestId: 'b'.repeat(64), position: '12' };
    const { facts } = serving(() =>
      json(200, {
        ref,
        version: {
          versionId: ref.versionId,
          dataset: 'corpus',
          manifestId: ref.manifestId,
          merkleRoot: 'd'.repeat(64),
          memberCount: 2,
          position: '12',
        },
        erasedMembers: [],
      }),
    );
    const r = await facts.attestFacts('corpus@1');
    if (E.isLeft(r)) throw new Error(r.left.message);
    expect([r.right.ref.position, r.right.version.position]).toEqual([12n, 12n]);
  });

  it('given attribute --top all, then the query rows go up once and the matrix comes back with its shape and columns', async () => {
    const queries = writeNpy(matrixF32(2, 3, new Float32Array([1, 2, 3, 4, 5, 6])));
    const scores = writeNpy(matrixF32(2, 2, new Float32Array([0.5, -0.5, 0.25, -0.25])));
    const columns = ['a'.repeat(64), 'b'.repeat(64)];
    const { facts, asked } = serving(({ url }) =>
      url.endsWith('/scores.npy')
        ? new Response(scores, { status: 200, headers: { 'content-type': 'application/octet-stream', 'cairn-score-shape': '2,2' } })
        : url.endsWith('/scores')
          ? json(200, { runId: 'r1', rows: 2, cols: 2, columns })
          : json(200, { runId: 'r1', columns }),
    );
    const r = await facts.attributionScores('r1', queries);
    if (E.isLeft(r)) throw new Error(r.left.message);
    const rows: number[] = [];
    for await (const block of r.right.blocks) rows.push(...block.data);
    expect({ rows: r.right.rows, cols: r.right.cols, columns: r.right.columns, scores: rows }).toEqual({
      rows: 2,
      cols: 2,
      columns,
      scores: [0.5, -0.5, 0.25, -0.25],
    });
    const uploads = asked.filter((a) => a.body !== undefined);
    expect(uploads.map((a) => [a.method, a.url, a.body!.length])).toEqual([
      ['POST', 'http://ledger.test/v1/runs/r1/scores.npy', queries.length],
    ]);
  });

  it('given query rows the run cannot score, then the refusal names the queries file and no columns are asked', async () => {
    const { facts, asked } = serving(() =>
      problem(400, 'invalid-request', 'body: expected 4 values a row', { field: 'body', reason: 'expected 4 values a row' }),
    );
    const r = await facts.attributionScores('r1', writeNpy(matrixF32(1, 3, new Float32Array([1, 2, 3]))));
    expect(r).toEqual(E.left(expect.objectContaining({ _tag: 'UsageError', field: 'queries' })));
    expect(asked).toHaveLength(1);
  });
});
