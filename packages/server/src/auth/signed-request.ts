// Who sent a request: its RFC 9421 signature (the profile in @cairn/core's http-signature.ts),
// checked against the log. The keyid is a contributor id; its current key (unrevoked at the
// head) must verify the signature; `created` must be within the window of the server's clock;
// the nonce must not have been seen within the window. Each refusal is a 401 naming the part of
// the request at fault and why.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyRequest } from 'fastify';
import {
  SIGNATURE_ALG,
  SIGNATURE_LABEL,
  fromHex,
  methodHasBody,
  parseRequestSignature,
  requestSignatureBase,
  verifyRequestSignature,
  type SignedRequestTarget,
} from '@cairn/core';
import { currentKey, type SignedReader } from '@cairn/sdk';
import type { Cairn } from '@cairn/client';
import type { FailureLimiter } from '../failure-limit.js';
import { problem, type Problem } from '../problem.js';
import type { NonceStore } from './nonce-store.js';

/** A request whose signature verified: its contributor, and the proof a sample read passes on. */
export interface SignedBy extends SignedReader {
  /** The contributor's current key (hex) that verified the signature. */
  readonly publicKey: string;
  /** The Content-Digest the signature covers, for a request with a body (checked once the body is read). */
  readonly contentDigest?: string;
}

export interface SignatureCheck {
  readonly cairn: Cairn;
  /** How far `created` may be from the server's clock, in seconds (either way). */
  readonly windowSeconds: number;
  readonly nonces: NonceStore;
  /** Clients that keep sending bad signatures are turned away before the verifier runs. */
  readonly limiter: FailureLimiter;
  readonly now?: () => number;
}

/** RFC 9421 section 5.1: what the server would accept, sent with every 401. */
export const ACCEPT_SIGNATURE = `${SIGNATURE_LABEL}=("@method" "@authority" "@path" "@query");alg="${SIGNATURE_ALG}"`;

export function signatureProblem(part: string, reason: string): Problem {
  return problem(401, 'signature-refused', 'The request signature was refused', `${part}: ${reason}`, { field: part, reason });
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
};

function targetOf(request: FastifyRequest): E.Either<Problem, SignedRequestTarget> {
  const host = header(request, 'host');
  if (host === undefined || host === '') return E.left(signatureProblem('@authority', 'missing: the request has no Host header'));
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  const contentDigest = header(request, 'content-digest');
  return E.right({
    method: request.method,
    authority: host,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    ...(contentDigest === undefined ? {} : { contentDigest }),
  });
}

/** The request's signer, or the refusal to send (401; 429 for a client out of bad-signature budget). */
/** A refusal; `retryAfter` (seconds) is sent as the Retry-After header of a 429. */
export type SignatureRefused = Problem & { readonly retryAfter?: number };

export async function checkSignedRequest(check: SignatureCheck, request: FastifyRequest): Promise<E.Either<SignatureRefused, SignedBy>> {
  const wait = check.limiter.blocked(request.ip);
  if (wait !== undefined)
    return E.left({
      ...problem(
        429,
        'too-many-invalid-signatures',
        'Too many invalid signatures',
        `this client sent too many bad signatures; try again in ${wait} s`,
      ),
      retryAfter: wait,
    });
  const parsed = parseRequestSignature(header(request, 'signature-input'), header(request, 'signature'), methodHasBody(request.method));
  if (E.isLeft(parsed)) return E.left(signatureProblem(parsed.left.part, parsed.left.reason));
  const sig = parsed.right;

  const now = Math.floor((check.now ?? Date.now)() / 1000);
  if (Math.abs(now - sig.created) > check.windowSeconds)
    return E.left(
      signatureProblem(
        'created',
        `stale: ${sig.created} is ${now - sig.created} s from the server's time ${now}; the window is ±${check.windowSeconds} s`,
      ),
    );
  if (sig.expires !== undefined && sig.expires < now)
    return E.left(signatureProblem('expires', `stale: the signature expired at ${sig.expires}, the server's time is ${now}`));

  const state = await check.cairn.ledger.contributors.get(sig.keyid);
  if (E.isLeft(state))
    return E.left(problem(503, 'unavailable', 'The ledger could not answer', 'the contributors could not be read; try again'));
  if (state.right === undefined) return E.left(signatureProblem('keyid', `unknown: no contributor ${sig.keyid} is registered`));
  const key = currentKey(state.right);
  if (key === undefined) return E.left(signatureProblem('keyid', `revoked key: contributor ${sig.keyid} has no unrevoked key`));

  const target = targetOf(request);
  if (E.isLeft(target)) return target;
  const base = requestSignatureBase(sig, target.right);
  if (E.isLeft(base)) return E.left(signatureProblem(base.left.part, base.left.reason));
  const publicKey = fromHex(key, 32);
  if (E.isLeft(publicKey) || !verifyRequestSignature(base.right, sig.signature, publicKey.right)) {
    check.limiter.failed(request.ip);
    return E.left(signatureProblem('Signature', `bad signature: it does not verify under contributor ${sig.keyid}'s current key`));
  }
  // Only a verified request spends its nonce: a forger cannot use up someone else's.
  const used = await check.nonces.use(sig.keyid, sig.nonce, sig.created, now);
  if (used === 'replayed') return E.left(signatureProblem('nonce', 'replayed: this nonce was already used within the window'));
  if (used === 'unavailable')
    return E.left(problem(503, 'unavailable', 'The ledger could not answer', 'the nonces of signed requests could not be read; try again'));
  if (used === 'predates')
    return E.left(
      signatureProblem(
        'nonce',
        "unknown: the server's record of spent nonces began after this request was created (the store's projections were rebuilt); sign again with the current time",
      ),
    );
  if (used === 'evicted')
    return E.left(signatureProblem('created', 'stale: the server holds too many recent nonces to tell; sign again with the current time'));
  return E.right({
    contributorId: sig.keyid,
    publicKey: key,
    proof: { message: base.right, signature: sig.signature },
    ...(target.right.contentDigest === undefined || !methodHasBody(request.method) ? {} : { contentDigest: target.right.contentDigest }),
  });
}
