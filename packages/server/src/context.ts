// What every route is given: the open store, the follower that keeps it current, and the
// request decoding and moment resolution every read shares.
import type { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseAsOf, type Cairn, type LatestReads, type ReadError } from '@cairn/client';
import { decodeStrict } from './decode.js';
import type { Follower } from './follower.js';
import { invalidRequest, readProblem, type Problem } from './problem.js';
import { etagAtHead, notModified, sendAnswer, sendPinned, sendProblem, type Moment } from './respond.js';
import { toJson } from './json.js';
import type { PinnedAnswers } from './pinned-answers.js';

export type AsOf = NonNullable<Parameters<Cairn['checkAsOf']>[0]>;

export interface ServerContext {
  readonly cairn: Cairn;
  readonly follower: Follower;
  /** What to end when the server closes (open event streams). */
  readonly closing: Set<() => void>;
  /** Answers pinned to a position, as sent, by URL and Accept (pinned-answers.ts). */
  readonly pinned?: PinnedAnswers;
}

const pinnedKey = (request: FastifyRequest) => `${request.url}\n${request.headers.accept ?? ''}`;

/**
 * The reads that name a version, for an answer at `moment`: at the latest (read under the
 * follower's lock, so the projections hold exactly `head`) a version reference is resolved once
 * per head; a pinned moment's asOf is resolved as the Cairn resolves it.
 */
export const versionReadsAt = (ctx: ServerContext, moment: Moment): LatestReads =>
  moment.pinned ? ctx.cairn : ctx.cairn.latestAt(moment.head);

/** Decodes the query string strictly; a refusal has been sent when it answers undefined. */
export function queryOf<A>(request: FastifyRequest, reply: FastifyReply, codec: t.Type<A, unknown, unknown>): A | undefined {
  const decoded = decodeStrict(codec, request.query ?? {}, 'query');
  if (E.isRight(decoded)) return decoded.right;
  sendProblem(reply, invalidRequest(decoded.left));
  return undefined;
}

/**
 * The moment `asOf` names. A position or a past time is pinned (its answer can never change); no
 * asOf, or a time not yet passed, is the latest. A pinned position the projections have not
 * reached yet is caught up to first, so a pinned answer is never an incomplete one.
 */
export async function momentOf(
  ctx: ServerContext,
  text: string | undefined,
): Promise<E.Either<Problem, { readonly moment: Moment; readonly asOf: AsOf | undefined }>> {
  if (text === undefined) return E.right({ moment: { pinned: false, head: ctx.follower.caughtUpTo() }, asOf: undefined });
  const parsed = parseAsOf(text, 'query.asOf');
  if (E.isLeft(parsed)) return E.left(readProblem(parsed.left));
  const asOf = parsed.right!;
  const within = await ctx.cairn.checkAsOf(asOf, 'query.asOf');
  if (E.isLeft(within)) return E.left(readProblem(within.left));
  const position = (await ctx.cairn.positionOf(asOf)) ?? null;
  const reached = ctx.follower.caughtUpTo();
  if (position !== null && (reached === null || position > reached)) await ctx.follower.catchUp();
  if (typeof asOf !== 'bigint' && asOf.time.getTime() >= Date.now())
    return E.right({ moment: { pinned: false, head: ctx.follower.caughtUpTo() }, asOf });
  return E.right({ moment: { pinned: true, position }, asOf });
}

/** A read at the moment `asOfText` names: answers 304 when the client holds it, else calls the client. */
export async function answerAt(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  asOfText: string | undefined,
  answer: (asOf: AsOf | undefined, moment: Moment) => Promise<E.Either<ReadError | Problem, unknown>>,
  render?: Render,
  keptAtHead = false,
): Promise<FastifyReply> {
  // The latest is read while no catch-up writes, so it is exactly the head its header names.
  if (asOfText === undefined) {
    const keep = keptAtHead && ctx.pinned !== undefined ? ({ at: 'head', in: ctx.pinned } as const) : undefined;
    return ctx.follower.latest((head) => respond(request, reply, { pinned: false, head }, undefined, answer, render, keep));
  }
  // A pinned answer never changes: one sent before is sent again without resolving asOf or asking
  // the store, and without serialising it again.
  const held = ctx.pinned?.get(pinnedKey(request));
  if (held !== undefined) return sendPinned(request, reply, held);
  const m = await momentOf(ctx, asOfText);
  if (E.isLeft(m)) return sendProblem(reply, m.left);
  const keep = m.right.moment.pinned && ctx.pinned !== undefined ? ({ at: 'position', in: ctx.pinned } as const) : undefined;
  return respond(request, reply, m.right.moment, m.right.asOf, answer, render, keep);
}

/**
 * Where a sent answer is kept to be sent again as it was. `position`: a pinned answer, which
 * never changes. `head`: an answer at the latest that is a function of the log up to the head
 * alone (the route says so), kept under its head: a repeat at the same head is sent with no read
 * and no serialising, and a new head is a new key (the old one ages out).
 */
type Keep = { readonly at: 'position' | 'head'; readonly in: PinnedAnswers };

async function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  moment: Moment,
  asOf: AsOf | undefined,
  answer: (asOf: AsOf | undefined, moment: Moment) => Promise<E.Either<ReadError | Problem, unknown>>,
  render: Render | undefined,
  keep: Keep | undefined,
): Promise<FastifyReply> {
  if (notModified(request, reply, moment)) return reply;
  const headKey = keep?.at === 'head' && !moment.pinned ? `head ${moment.head ?? '-'}\n${pinnedKey(request)}` : undefined;
  const held = headKey === undefined ? undefined : keep!.in.get(headKey);
  if (held !== undefined) return sendAnswer(request, reply, moment, held.body, held.contentType, held.etag);
  const r = await answer(asOf, moment);
  if (E.isLeft(r)) return sendProblem(reply, isProblem(r.left) ? r.left : readProblem(r.left));
  const shown = render === undefined ? { body: toJson(r.right), contentType: 'application/json' } : await render(r.right);
  if (keep === undefined || typeof shown.body !== 'string') return sendAnswer(request, reply, moment, shown.body, shown.contentType);
  if (moment.pinned) {
    keep.in.set(pinnedKey(request), { position: moment.position, body: shown.body, contentType: shown.contentType });
    return sendAnswer(request, reply, moment, shown.body, shown.contentType);
  }
  if (headKey === undefined) return sendAnswer(request, reply, moment, shown.body, shown.contentType);
  const etag = etagAtHead(request, moment.head, shown.body);
  keep.in.set(headKey, { position: moment.head, body: shown.body, contentType: shown.contentType, etag });
  return sendAnswer(request, reply, moment, shown.body, shown.contentType, etag);
}

/** An answer shown as something other than JSON (a Markdown card, an SVG trace). */
export type Render = (value: unknown) => Promise<{ readonly body: string | Readable; readonly contentType: string }>;

/** The common shape of a read: decode the query strictly, then answer at its asOf. */
export async function read<Q extends object>(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  codec: t.Type<Q, unknown, unknown>,
  answer: (query: Q, asOf: AsOf | undefined, moment: Moment) => Promise<E.Either<ReadError | Problem, unknown>>,
  render?: Render,
  keptAtHead = false,
): Promise<FastifyReply> {
  const query = queryOf(request, reply, codec);
  if (query === undefined) return reply;
  // A query without asOf (a codec that takes none) reads the latest.
  const asOfText = (query as { readonly asOf?: string }).asOf;
  return answerAt(ctx, request, reply, asOfText, (asOf, moment) => answer(query, asOf, moment), render, keptAtHead);
}

export const isProblem = (e: ReadError | Problem): e is Problem => 'status' in e && 'type' in e && !('_tag' in e);
