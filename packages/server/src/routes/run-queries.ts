// GET /v1/runs/{run}/queries/{row}/top?asOf=: the train CFs the run's scoring stored for one of
// its recorded query rows, by rank (the client's queryTop). The explorer's run page reads it: the
// top train CFs for a query, without posting gradients to /v1/runs/{run}/attribute.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import { AsOfQuery } from '@cairn/client';
import { read, type ServerContext } from '../context.js';
import { invalidRequest } from '../problem.js';
import { storeProblem } from './store-reads.js';

export function registerRunQueries(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/runs/:run/queries/:row/top', (request: FastifyRequest<{ Params: { run: string; row: string } }>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, async (_q, asOf) => {
      const { run, row } = request.params;
      if (!/^\d{1,9}$/.test(row))
        return E.left(invalidRequest([{ field: 'row', reason: `expected a query row number, got ${JSON.stringify(row)}` }]));
      const r = await ctx.cairn.queryTop(run, Number(row), asOf);
      if (E.isRight(r)) return r;
      const e = r.left;
      return E.left(e._tag === 'QueryRowOutOfRange' ? invalidRequest([{ field: 'row', reason: e.message }]) : storeProblem(e));
    }),
  );
}
