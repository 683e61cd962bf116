// Who holds which role, and where one contributor stands (current key, roles): what `cairn roles
// list` and `cairn keys list` print, for a client whose keyring is away from the store. Read at
// the head of the log (contributor state is the ledger's, not a projection's), never cached.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contributorStanding, roleHolders } from '@cairn/client';
import { isSha256Hex } from '@cairn/core';
import { NoQuery } from '../codecs.js';
import { queryOf, type ServerContext } from '../context.js';
import { invalidRequest, notFound, problem } from '../problem.js';
import { sendProblem } from '../respond.js';
import { toJson } from '../json.js';

const unavailable = problem(503, 'unavailable', 'The ledger could not answer', 'the contributors could not be read; try again');

export function registerRoles(app: FastifyInstance, ctx: ServerContext): void {
  const { contributors } = ctx.cairn.ledger;

  app.get('/v1/roles', async (request, reply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const holders = await roleHolders(contributors);
    if (E.isLeft(holders)) return sendProblem(reply, unavailable);
    return reply.header('cache-control', 'no-store').type('application/json').send(toJson(holders.right));
  });

  app.get(
    '/v1/contributors/:contributorId/standing',
    async (request: FastifyRequest<{ Params: { contributorId: string } }>, reply: FastifyReply) => {
      if (queryOf(request, reply, NoQuery) === undefined) return reply;
      const id = request.params.contributorId;
      if (!isSha256Hex(id))
        return sendProblem(
          reply,
          invalidRequest([{ field: 'contributorId', reason: `expected 64 lowercase hex, got ${JSON.stringify(id)}` }]),
        );
      const standing = await contributorStanding(contributors, id);
      if (E.isLeft(standing)) return sendProblem(reply, unavailable);
      if (standing.right === undefined) return sendProblem(reply, notFound(`no contributor ${id} is registered`, 'contributorId'));
      return reply.header('cache-control', 'no-store').type('application/json').send(toJson(standing.right));
    },
  );
}
