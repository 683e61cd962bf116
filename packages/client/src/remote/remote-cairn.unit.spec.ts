// A remote Cairn decodes the server's JSON into the client's typed values, and its refusals
// into the ReadErrors a local read gives; a server that answers something else is Unavailable.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { contentDigestMatches, parseRequestSignature, publicKeyOf, requestSignatureBase, verifyRequestSignature } from '@cairn/core';
import { openRemoteCairn, remoteLocationOf } from './remote-cairn.js';

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

const serving = (answer: (url: string) => Response) => {
  const asked: string[] = [];
  const send = (async (input: string | URL | Request) => {
    asked.push(String(input));
    return answer(String(input));
  }) as typeof fetch;
  return { cairn: openRemoteCairn({ kind: 'http', url: 'http://ledger.test' }, send), asked };
};

const problem = (status: number, kind: string, detail: string, extra: Record<string, unknown> = {}) =>
  json(status, { type: `urn:cairn:problem:${kind}`, title: kind, status, detail, ...extra }, 'application/problem+json');

const v1 = { dataset: 'corpus', versionId: 'a'.repeat(64), ordinal: 1, manifestId: 'b'.repeat(64), position: '12' };

describe('openRemoteCairn', () => {
  it('given dataset versions with positions as decimal text, then they are bigints, and asOf is sent as the position', async () => {
    const { cairn, asked } = serving(() =>
      json(200, {
        dataset: 'corpus',
        current: v1.versionId,
        versions: [
          { ...v1, merkleRoot: 'c'.repeat(64), memberCount: 2, builds: [{ position: '12', cause: 'build', causeEventId: 'd'.repeat(64) }] },
        ],
      }),
    );
    const r = await cairn.datasetVersions('corpus', 12n);
    expect(asked).toEqual(['http://ledger.test/v1/datasets/corpus/versions?asOf=12']);
    if (E.isLeft(r)) throw new Error(JSON.stringify(r.left));
    expect(r.right.versions[0]!.position).toBe(12n);
    expect(r.right.versions[0]!.builds[0]!.position).toBe(12n);
  });

  it("given a 404 naming the CF argument, then CfNotFound with the server's sentence; without a field, VersionNotFound", async () => {
    const cf = serving(() => problem(404, 'not-found', 'CF abc123 is not in the log', { field: 'CF' }));
    expect(await cf.cairn.impact('abc123')).toEqual(
      E.left({ _tag: 'CfNotFound', cfId: '', field: 'CF', message: 'CF abc123 is not in the log' }),
    );
    const version = serving(() => problem(404, 'not-found', 'corpus@9: no such version'));
    expect(await version.cairn.diff('corpus@1', 'corpus@9')).toMatchObject(
      E.left({ _tag: 'VersionNotFound', message: 'corpus@9: no such version' }),
    );
  });

  it('given a bad argument, then a UsageError naming the field the server named', async () => {
    const { cairn } = serving(() =>
      problem(400, 'invalid-request', 'query.asOf: past the head', { field: 'query.asOf', reason: 'past the head' }),
    );
    expect(await cairn.history('abc123', 99n)).toEqual(
      E.left({ _tag: 'UsageError', field: 'query.asOf', reason: 'past the head', message: 'query.asOf: past the head' }),
    );
  });

  it('given an answer missing a field, then Unavailable naming what could not be read (never a half-typed value)', async () => {
    const { cairn } = serving(() => json(200, { dataset: 'corpus', current: null }));
    expect(await cairn.datasetVersions('corpus')).toMatchObject(
      E.left({ _tag: 'Unavailable', reason: expect.stringContaining('DatasetVersions') }),
    );
  });

  it('given a server that cannot be reached, then Unavailable', async () => {
    const cairn = openRemoteCairn({ kind: 'http', url: 'http://ledger.test' }, (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch);
    expect(await cairn.status()).toMatchObject(E.left({ _tag: 'Unavailable', reason: expect.stringContaining('fetch failed') }));
  });

  it('given a dataset name with a slash, then it travels as one path segment', async () => {
    const { cairn, asked } = serving(() => problem(404, 'not-found', 'no'));
    await cairn.datasetVersions('a/../b');
    expect(asked).toEqual(['http://ledger.test/v1/datasets/a%2F..%2Fb/versions']);
  });

  it('given a store text that is not an http(s) URL without query, then a usage error naming --store', () => {
    expect(remoteLocationOf('http://h:1/?x=1')).toMatchObject(E.left({ _tag: 'UsageError', field: '--store' }));
    expect(remoteLocationOf('http://h:1/')).toEqual(E.right({ kind: 'http', url: 'http://h:1' }));
  });

  describe('signed reads', () => {
    const secretKey = new Uint8Array(32).fill(7);
    const signer = { contributorId: 'c'.repeat(64), secretKey };
    const recording = (answer: () => Response) => {
      const seen: { url: string; method: string; headers: Headers; body?: Uint8Array }[] = [];
      const send = (async (input: string | URL | Request, init?: RequestInit) => {
        seen.push({
          url: String(input),
          method: init?.method ?? 'GET',
          headers: new Headers(init?.headers),
          ...(init?.body instanceof Uint8Array ? { body: init.body } : {}),
        });
        return answer();
      }) as typeof fetch;
      return { seen, send };
    };

    it('given a signer, when reads are asked (GET and the labels POST), then each request carries its own signature by that key, covering its URL', async () => {
      const { seen, send } = recording(() => json(200, { labels: {} }));
      const cairn = openRemoteCairn({ kind: 'http', url: 'http://ledger.test' }, { signer, fetch: send });
      await cairn.why('abc123', 'corpus@1');
      await cairn.labels(['x']);
      expect(seen.map((r) => r.method)).toEqual(['GET', 'POST']);
      const nonces = new Set<string>();
      for (const r of seen) {
        const parsed = parseRequestSignature(
          r.headers.get('signature-input') ?? undefined,
          r.headers.get('signature') ?? undefined,
          r.method === 'POST',
        );
        if (E.isLeft(parsed)) throw new Error(JSON.stringify(parsed.left));
        expect(parsed.right.keyid).toBe(signer.contributorId);
        nonces.add(parsed.right.nonce);
        const url = new URL(r.url);
        const base = requestSignatureBase(parsed.right, {
          method: r.method,
          authority: url.host,
          path: url.pathname,
          query: url.search.slice(1),
          ...(r.method === 'POST' ? { contentDigest: r.headers.get('content-digest')! } : {}),
        });
        if (E.isLeft(base)) throw new Error(JSON.stringify(base.left));
        expect(verifyRequestSignature(base.right, parsed.right.signature, publicKeyOf(secretKey))).toBe(true);
        // The POST's signature reaches its body.
        if (r.method === 'POST') expect(contentDigestMatches(r.headers.get('content-digest')!, r.body!)).toBe(true);
      }
      expect(nonces.size).toBe(2);
    });

    it('given no signer, when a server keeping metadata private refuses the read (401), then a UsageError naming the signer that says to pass --as', async () => {
      const { seen, send } = recording(() =>
        problem(401, 'signature-refused', 'Signature-Input: missing', { field: 'Signature-Input', reason: 'missing' }),
      );
      const cairn = openRemoteCairn({ kind: 'http', url: 'http://ledger.test' }, { fetch: send });
      const r = await cairn.status();
      expect(seen[0]!.headers.has('signature-input')).toBe(false);
      expect(r).toMatchObject(E.left({ _tag: 'UsageError', field: 'signer', message: expect.stringMatching(/private.*--as NAME/) }));
    });

    it("given a signer the server refuses (401), then Unavailable with the server's reason, not the advice to sign", async () => {
      const { send } = recording(() =>
        problem(401, 'signature-refused', 'keyid: no such contributor', { field: 'keyid', reason: 'no such contributor' }),
      );
      const cairn = openRemoteCairn({ kind: 'http', url: 'http://ledger.test' }, { signer, fetch: send });
      expect(await cairn.status()).toMatchObject(
        E.left({ _tag: 'Unavailable', reason: expect.stringContaining('keyid: no such contributor') }),
      );
    });
  });
});
