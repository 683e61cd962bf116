// Where signatures are asked for: sample bytes, artifact uploads and witnesses' cosignatures always
// (an upload takes the store's disk, whoever may read metadata); every other /v1 read too when lineage
// metadata is private. Writes (POST /v1/events) carry their own signed events and are not asked;
// /openapi.json and anything outside /v1 (health, the explorer's files) stay open. The check runs
// before the body is read; for a request with a body, its Content-Digest is compared with the
// bytes as they arrive, and the handler never runs if they differ.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentDigestSha256 } from '@cairn/core';
import type { Cairn } from '@cairn/client';
import { failureLimiter, type FailureBudget } from '../failure-limit.js';
import { sendProblem } from '../respond.js';
import { nonceStore, persistedNonces } from './nonce-store.js';
import type { RequestNonceTable } from '@cairn/client';
import { ACCEPT_SIGNATURE, checkSignedRequest, signatureProblem, type SignatureRefused, type SignedBy } from './signed-request.js';

/** Whether lineage metadata (every read but sample bytes) is open to anyone who can reach the server. */
export type MetadataAccess = 'public' | 'private';

export const CONTENT_ROUTE = '/v1/cfs/:cf/content';
/** Always signed: a ticket is what a signed request buys (auth/live-tickets.ts). */
export const LIVE_TICKETS_ROUTE = '/v1/live/tickets';
export const LIVE_ROUTE = '/v1/live';
/** Always signed: an upload is written to the store's disk (routes/runs.ts). */
export const ARTIFACT_UPLOAD_ROUTE = '/v1/artifacts/:hash';
/** Always signed: a cosignature is kept only from the witness whose key signed it (routes/tree-heads.ts). */
export const COSIGNATURES_ROUTE = '/v1/tree-heads/cosignatures';
export const DEFAULT_SIGNATURE_WINDOW_SECONDS = 300;

export interface SignatureOptions {
  readonly cairn: Cairn;
  /** Read when a request arrives (the server settles it when it knows the address it listens on). */
  readonly metadata: () => MetadataAccess;
  readonly windowSeconds?: number;
  readonly nonceCapacity?: number;
  readonly invalidSignatures: FailureBudget;
  /** The store's table of spent nonces (replays refused across restarts and processes); none: memory only. */
  readonly nonceTable?: RequestNonceTable;
}

const signedBy = new WeakMap<FastifyRequest, SignedBy>();
/** Bodies' SHA-256 as they were read, for requests whose signature covers a Content-Digest. */
const bodyDigests = new WeakMap<FastifyRequest, Promise<Uint8Array>>();

/** The verified signer of a request that was asked for a signature. */
export const signerOf = (request: FastifyRequest): SignedBy | undefined => signedBy.get(request);

function asksSignature(request: FastifyRequest, metadata: MetadataAccess): boolean {
  const route = request.routeOptions.url;
  if (route === CONTENT_ROUTE || route === LIVE_TICKETS_ROUTE || route === ARTIFACT_UPLOAD_ROUTE || route === COSIGNATURES_ROUTE)
    return true;
  if (metadata === 'public') return false;
  // The route the router matched, however the URL spelled it (a 404 has none: its raw path).
  const path = request.routeOptions.url ?? (request.raw.url ?? '/').split('?')[0]!;
  // The live stream opened with a ticket: the route spends the ticket instead (routes/live.ts).
  if (path === LIVE_ROUTE && request.method === 'GET' && (request.query as Record<string, unknown> | undefined)?.ticket !== undefined)
    return false;
  if (!(path === '/v1' || path.startsWith('/v1/'))) return false;
  return !(request.method === 'POST' && path === '/v1/events');
}

function refuse(reply: FastifyReply, refused: SignatureRefused): FastifyReply {
  const { retryAfter, ...p } = refused;
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  if (p.status === 401) reply.header('accept-signature', ACCEPT_SIGNATURE);
  return sendProblem(reply, p);
}

export function registerSignatures(app: FastifyInstance, options: SignatureOptions): void {
  const windowSeconds = options.windowSeconds ?? DEFAULT_SIGNATURE_WINDOW_SECONDS;
  const check = {
    cairn: options.cairn,
    windowSeconds,
    nonces:
      options.nonceTable === undefined
        ? nonceStore(windowSeconds * 2, options.nonceCapacity)
        : persistedNonces(nonceStore(windowSeconds * 2, options.nonceCapacity), options.nonceTable, windowSeconds * 2),
    limiter: failureLimiter(options.invalidSignatures),
  };

  app.addHook('onRequest', async (request, reply) => {
    if (!asksSignature(request, options.metadata())) return;
    const checked = await checkSignedRequest(check, request);
    if (E.isLeft(checked)) return refuse(reply, checked.left);
    signedBy.set(request, checked.right);
  });

  app.addHook('preParsing', async (request, _reply, payload) => {
    if (signedBy.get(request)?.contentDigest === undefined || !sendsBody(request)) return payload;
    let resolveDigest: (digest: Uint8Array) => void = () => undefined;
    bodyDigests.set(request, new Promise((resolve) => (resolveDigest = resolve)));
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        resolveDigest(hash.digest());
        done();
      },
    });
    payload.on('error', (e) => hashing.destroy(e));
    return payload.pipe(hashing);
  });

  app.addHook('preHandler', async (request, reply) => {
    const signer = signedBy.get(request);
    if (signer?.contentDigest === undefined) return;
    // The body has been read by now; a request without one has the digest of no bytes.
    const digest = (await bodyDigests.get(request)) ?? createHash('sha256').digest();
    const claimed = contentDigestSha256(signer.contentDigest);
    if (claimed === undefined)
      return refuse(reply, signatureProblem('Content-Digest', 'malformed: expected sha-256=:<base64 of 32 bytes>:'));
    if (!Buffer.from(claimed).equals(digest))
      return refuse(reply, signatureProblem('Content-Digest', 'does not match the body: its sha-256 differs'));
  });
}

/** Whether Fastify will read a body for this request (its own test). */
function sendsBody(request: FastifyRequest): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
}
