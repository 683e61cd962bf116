// A sample's plaintext from a server (GET /v1/cfs/{cf}/content), the HTTP form of readSampleBytes:
// the request is signed here with the reader's key (RFC 9421, core's profile), so the server learns
// who asks without ever holding the secret key; the server's refusals come back as the errors the
// local read gives for the same question (403 read-authority, 410 erased, 404 not found), and the
// bytes are checked against the Content-Digest the server sent.
import * as E from 'fp-ts/lib/Either.js';
import { contentDigestMatches, isSha256Hex, signRequest, type RequestSigner } from '@cairn/core';
import { describeLedgerError, ProblemDocument, type LedgerError } from '@cairn/sdk';
import type { ReadError } from '../errors.js';
import type { SampleReadError } from '../exports.js';
import { readErrorOf, unavailable } from './read-error.js';
import type { RemoteLocation } from './remote-cairn.js';

/** The header the server names the full CF id in (a prefix may have been asked). */
const CF_ID_HEADER = 'cairn-cf-id';

function refusalOf(status: number, body: unknown, cf: string): ReadError | SampleReadError {
  const problem = ProblemDocument.decode(body);
  if (E.isRight(problem)) {
    const p = problem.right;
    const said = (e: LedgerError): SampleReadError => ({ ...e, message: describeLedgerError(e) });
    if (status === 403)
      return said({ _tag: 'RuleViolation', rule: 'read-authority', field: p.field ?? 'reader', reason: p.reason ?? p.detail });
    if (status === 410) return said({ _tag: 'ErasedSample', sampleId: cf });
    if (status === 401) return unavailable(`the server refused the request's signature: ${p.detail}`);
  }
  return readErrorOf(status, body);
}

export async function readRemoteSampleBytes(
  location: RemoteLocation,
  cf: string,
  reader: RequestSigner,
  send: typeof fetch = fetch,
): Promise<E.Either<ReadError | SampleReadError, { readonly cfId: string; readonly bytes: Uint8Array }>> {
  const url = `${location.url}/v1/cfs/${encodeURIComponent(cf)}/content`;
  let res: Response;
  let bytes: Uint8Array;
  try {
    res = await send(url, { headers: { ...signRequest({ method: 'GET', url }, reader), accept: 'application/octet-stream' } });
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (cause) {
    return E.left(unavailable(`the server at ${location.url} could not answer: ${cause instanceof Error ? cause.message : String(cause)}`));
  }
  if (!res.ok) {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      body = undefined;
    }
    return E.left(refusalOf(res.status, body, cf));
  }
  const cfId = res.headers.get(CF_ID_HEADER) ?? '';
  const digest = res.headers.get('content-digest') ?? '';
  if (!isSha256Hex(cfId) || !cfId.startsWith(cf))
    return E.left(unavailable(`the server at ${location.url} answered for ${JSON.stringify(cfId)}, not the CF asked for`));
  if (!contentDigestMatches(digest, bytes))
    return E.left(unavailable(`the bytes the server at ${location.url} sent for ${cfId} do not match their Content-Digest`));
  return E.right({ cfId, bytes });
}
