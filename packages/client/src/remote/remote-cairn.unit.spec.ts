// A remote Cairn decodes the server's JSON into the client's typed values, and its refusals
// into the ReadErrors a local read gives; a server that answers something else is Unavailable.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
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
});
