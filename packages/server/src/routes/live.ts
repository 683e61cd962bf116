// Live updates as server-sent events: `position` when the projections reach a new head, and
// `version` for each dataset version a new build request or replacement cut. A client that
// reconnects with Last-Event-ID gets the current head at once, then what follows.
//
// With private metadata the stream is a read like any other: signed, or opened with a ticket
// (`?ticket=`) that a signed `POST /v1/live/tickets` bought, for a browser's EventSource, which
// cannot set headers (auth/live-tickets.ts says what a ticket may do).
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { FastifyInstance } from 'fastify';
import { currentKey } from '@cairn/sdk';
import { toJson, toJsonLine } from '../json.js';
import { queryOf, type ServerContext } from '../context.js';
import type { LiveEvent } from '../follower.js';
import type { LiveTickets } from '../auth/live-tickets.js';
import { LIVE_ROUTE, LIVE_TICKETS_ROUTE, signerOf, type MetadataAccess } from '../auth/register-signatures.js';
import { ACCEPT_SIGNATURE, signatureProblem } from '../auth/signed-request.js';
import { problem } from '../problem.js';
import { sendProblem } from '../respond.js';
import { NoQuery } from '../codecs.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/** `ticket`: what `POST /v1/live/tickets` answered (43 base64url characters). */
export const LiveQuery = t.exact(t.partial({ ticket: t.string }), 'LiveQuery');

export const LiveTicketAnswer = t.type(
  { ticket: t.string, expiresAt: t.string, url: t.string, contributorId: t.string },
  'LiveTicketAnswer',
);

const frame = (event: LiveEvent): string => {
  const { kind, ...data } = event;
  return `id: ${event.position}\nevent: ${kind}\ndata: ${toJsonLine(data)}\n\n`;
};

export interface LiveAccess {
  readonly tickets: LiveTickets;
  readonly metadata: () => MetadataAccess;
}

export function registerLive(app: FastifyInstance, ctx: ServerContext, access: LiveAccess): void {
  // Always signed (register-signatures.ts), whatever the metadata setting: a ticket names its holder.
  app.post(LIVE_TICKETS_ROUTE, async (request, reply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const signer = signerOf(request)!;
    const issued = access.tickets.issue({ contributorId: signer.contributorId, publicKey: signer.publicKey });
    if (issued === undefined)
      return sendProblem(
        reply.header('retry-after', '60'),
        problem(429, 'too-many-live-tickets', 'Too many live tickets', 'the server holds too many unused live tickets; try again soon'),
      );
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(
        toJson({
          ticket: issued.ticket,
          expiresAt: issued.expiresAt.toISOString(),
          url: `${LIVE_ROUTE}?ticket=${issued.ticket}`,
          contributorId: signer.contributorId,
        }),
      );
  });

  app.get(LIVE_ROUTE, async (request, reply) => {
    const q = queryOf(request, reply, LiveQuery);
    if (q === undefined) return reply;
    if (q.ticket !== undefined) {
      const refuse = (reason: string) =>
        sendProblem(reply.header('accept-signature', ACCEPT_SIGNATURE), {
          ...signatureProblem('query.ticket', reason),
          title: 'The live ticket was refused',
        });
      const holder = access.tickets.redeem(q.ticket);
      if (E.isLeft(holder)) return refuse(holder.left.reason);
      const state = await ctx.cairn.ledger.contributors.get(holder.right.contributorId);
      if (E.isLeft(state))
        return sendProblem(
          reply,
          problem(503, 'unavailable', 'The ledger could not answer', 'the contributors could not be read; try again'),
        );
      if (state.right === undefined || currentKey(state.right) !== holder.right.publicKey)
        return refuse(`revoked key: the key of contributor ${holder.right.contributorId} that asked for this ticket is no longer current`);
    } else if (access.metadata() === 'private' && signerOf(request) === undefined)
      // Unreachable while the signature hook runs first; kept so the stream never opens unchecked.
      return sendProblem(reply, signatureProblem('Signature-Input', 'missing'));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const head = ctx.follower.caughtUpTo();
    res.write(`retry: 2000\n\n`);
    if (head !== null) res.write(frame({ kind: 'position', position: head }));
    const unsubscribe = ctx.follower.subscribe((event) => res.write(frame(event)));
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const end = () => {
      clearInterval(keepalive);
      unsubscribe();
    };
    request.raw.on('close', end);
    ctx.closing.add(() => {
      end();
      res.end();
    });
    return reply;
  });
}
