// GET /v1/contributors?q=&limit=&asOf=: contributors found by a name prefix (any case) or an id
// prefix, as registered by the moment asOf names; the explorer's search box asks it. The answer
// is the client's contributors read as it gives it.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { ContributorsQuery, MAX_CONTRIBUTORS } from '@cairn/client';
import { answerAt, queryOf, type ServerContext } from '../context.js';
import { invalidRequest } from '../problem.js';
import { sendProblem } from '../respond.js';

/** Contributors answered when the request names no limit. */
export const DEFAULT_CONTRIBUTORS = 20;

export function registerContributors(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/contributors', async (request, reply) => {
    const q = queryOf(request, reply, ContributorsQuery);
    if (q === undefined) return reply;
    const limit = q.limit === undefined ? DEFAULT_CONTRIBUTORS : Number(q.limit);
    if (limit < 1 || limit > MAX_CONTRIBUTORS)
      return sendProblem(reply, invalidRequest([{ field: 'query.limit', reason: `expected 1 to ${MAX_CONTRIBUTORS}, got ${limit}` }]));
    const prefix = (q.q ?? '').trim();
    return answerAt(ctx, request, reply, q.asOf, async (asOf) =>
      E.right({ contributors: await ctx.cairn.contributors(prefix, limit, asOf) }),
    );
  });
}
