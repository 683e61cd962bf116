// Sample bytes from a server: the request is signed with the reader's key, and the client takes
// nothing on trust: bytes that do not match their Content-Digest, or an answer for another CF,
// are refused; the server's 403 and 410 are the local read's refusals.
import { describe, expect, it } from '@jest/globals';
import * as E from 'fp-ts/lib/Either.js';
import { contentDigestOf, parseRequestSignature } from '@cairn/core';
import { newSigner } from '@cairn/sdk';
import { readRemoteSampleBytes } from './sample-bytes.js';

const CF = 'c'.repeat(64);
const reader = newSigner();
const location = { kind: 'http' as const, url: 'http://ledger.test' };
const bytes = new TextEncoder().encode('hello');

const serving = (answer: () => Response) => {
  const asked: { url: string; headers: Record<string, string> }[] = [];
  const send = (async (input: string | URL | Request, init?: RequestInit) => {
    asked.push({ url: String(input), headers: (init?.headers ?? {}) as Record<string, string> });
    return answer();
  }) as typeof fetch;
  return { send, asked };
};

const ok = (body: Uint8Array, digestOf: Uint8Array = body, cfId = CF) =>
  new Response(body, { status: 200, headers: { 'content-digest': contentDigestOf(digestOf), 'cairn-cf-id': cfId } });

const problem = (status: number, kind: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: `urn:cairn:problem:${kind}`, title: kind, status, detail: 'refused', ...extra }), { status });

describe('readRemoteSampleBytes', () => {
  it("given the server's bytes and their digest, then they are the answer, asked with a request signed by the reader", async () => {
    const { send, asked } = serving(() => ok(bytes));
    const r = await readRemoteSampleBytes(location, CF.slice(0, 8), reader, send);
    expect(r).toEqual(E.right({ cfId: CF, bytes }));
    expect(asked[0]!.url).toBe(`http://ledger.test/v1/cfs/${CF.slice(0, 8)}/content`);
    const parsed = parseRequestSignature(asked[0]!.headers['signature-input'], asked[0]!.headers['signature'], false);
    expect(E.isRight(parsed) && parsed.right.keyid).toBe(reader.contributorId);
  });

  it('given bytes that do not match their Content-Digest, then they are refused, not returned', async () => {
    const { send } = serving(() => ok(new TextEncoder().encode('hellO'), bytes));
    const r = await readRemoteSampleBytes(location, CF, reader, send);
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'Unavailable', reason: expect.stringContaining('Content-Digest') });
  });

  it('given an answer for another CF than the one asked, then it is refused', async () => {
    const { send } = serving(() => ok(bytes, bytes, 'd'.repeat(64)));
    const r = await readRemoteSampleBytes(location, CF, reader, send);
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'Unavailable', reason: expect.stringContaining('not the CF asked for') });
  });

  it("given 403 and 410, then they are the local read's read-authority violation and erased sample", async () => {
    const forbidden = await readRemoteSampleBytes(
      location,
      CF,
      reader,
      serving(() => problem(403, 'forbidden', { field: 'reader', reason: 'no reader role' })).send,
    );
    expect(E.isLeft(forbidden) && forbidden.left).toMatchObject({
      _tag: 'RuleViolation',
      rule: 'read-authority',
      reason: 'no reader role',
    });
    const erased = await readRemoteSampleBytes(location, CF, reader, serving(() => problem(410, 'erased')).send);
    expect(E.isLeft(erased) && erased.left).toMatchObject({ _tag: 'ErasedSample', sampleId: CF });
  });
});
