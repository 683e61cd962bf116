// How an answer goes out: JSON as the CLI prints it, with the caching its moment allows. An
// answer pinned to a log position never changes (immutable, ETag by position and URL, so a repeat
// is a 304 before any query runs); "latest" names the head it answered at and revalidates by content.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toJson } from './json.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

export const HEAD_HEADER = 'cairn-head-position';
export const AS_OF_HEADER = 'cairn-as-of-position';

/** The moment an answer is for: a pinned log position (null: before the first event), or the latest. */
export type Moment = { readonly pinned: true; readonly position: bigint | null } | { readonly pinned: false; readonly head: bigint | null };

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 27);

// The Accept header is part of what a pinned answer is: a trace is JSON or SVG by it (Vary: Accept).
export function pinnedEtag(request: FastifyRequest, position: bigint | null): string {
  return `"p${position ?? '-'}-${digest(`${request.url}\n${request.headers.accept ?? ''}`)}"`;
}

const matches = (request: FastifyRequest, etag: string) =>
  (request.headers['if-none-match'] ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^W\//, ''))
    .includes(etag);

/** For a pinned moment: answers 304 when the client already holds it (true: nothing more to do). */
export function notModified(request: FastifyRequest, reply: FastifyReply, moment: Moment): boolean {
  if (!moment.pinned) return false;
  const etag = pinnedEtag(request, moment.position);
  if (!matches(request, etag)) return false;
  void reply.code(304).header('etag', etag).header('cache-control', 'public, max-age=31536000, immutable').send();
  return true;
}

export function sendAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  moment: Moment,
  body: string | Readable,
  contentType = 'application/json',
  latestEtag?: string,
): FastifyReply {
  reply.header('vary', 'accept');
  if (moment.pinned) {
    reply
      .header('etag', pinnedEtag(request, moment.position))
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header(AS_OF_HEADER, moment.position === null ? 'none' : moment.position.toString());
  } else {
    const etag = latestEtag ?? etagAtHead(request, moment.head, body);
    reply.header('cache-control', 'no-cache').header(HEAD_HEADER, moment.head === null ? 'none' : moment.head.toString());
    reply.header('etag', etag);
    if (matches(request, etag)) return reply.code(304).send();
  }
  return reply.type(contentType).send(body);
}

/** A pinned answer as it was sent: the same URL and Accept get it again without a query. */
export interface PinnedAnswer {
  readonly position: bigint | null;
  readonly body: string;
  readonly contentType: string;
  /** The ETag of an answer kept at a head (its digest is not taken again on every repeat). */
  readonly etag?: string;
}

/** The ETag of an answer at the latest: its head and a digest of its body. */
export function etagAtHead(request: FastifyRequest, head: bigint | null, body: string | Readable): string {
  // A streamed body is not held to digest; at one head one URL answers one content.
  return `"h${head ?? '-'}-${digest(typeof body === 'string' ? body : `url:${request.url}`)}"`;
}

/** Sends a pinned answer held from an earlier request (304 when the client holds it too). */
export function sendPinned(request: FastifyRequest, reply: FastifyReply, held: PinnedAnswer): FastifyReply {
  const moment: Moment = { pinned: true, position: held.position };
  if (notModified(request, reply, moment)) return reply;
  return sendAnswer(request, reply, moment, held.body, held.contentType);
}

export const sendJson = (request: FastifyRequest, reply: FastifyReply, moment: Moment, value: unknown) =>
  sendAnswer(request, reply, moment, toJson(value));

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).header('cache-control', 'no-store').type(PROBLEM_CONTENT_TYPE).send(toJson(p));
}
