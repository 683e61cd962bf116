// The log itself, a page at a time, each event exactly as stored (its canonical text, so a reader
// recomputes its id and checks its signature over the very bytes the ledger keeps). What an
// auditor streams to verify a ledger without trusting the server: `cairn verify --store http…`.
import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { queryOf, type ServerContext } from '../context.js';
import { invalidRequest, problem } from '../problem.js';
import { sendProblem } from '../respond.js';

export const LOG_ROUTE = '/v1/log';
/** Events a page holds when the reader names no limit, and at most. */
export const LOG_PAGE = 1000;
export const MAX_LOG_PAGE = 5000;

export const LogQuery = t.exact(t.partial({ after: t.string, limit: t.string }), 'LogQuery');

/** One event as the log stores it: `data` is its stored text, never re-serialised. */
export interface LogPageEvent {
  readonly position: string;
  readonly id: string;
  readonly stream: string;
  readonly revision: string;
  readonly type: string;
  readonly data: string;
  readonly metadata?: string;
  readonly recordedAt: string;
}

export interface LogPage {
  readonly events: readonly LogPageEvent[];
  /** The `after` of the next page, or null when this page reached the head. */
  readonly next: string | null;
}

export function registerLog(app: FastifyInstance, ctx: ServerContext): void {
  app.get(LOG_ROUTE, async (request, reply) => {
    const q = queryOf(request, reply, LogQuery);
    if (q === undefined) return reply;
    if (q.after !== undefined && !/^\d{1,19}$/.test(q.after))
      return sendProblem(
        reply,
        invalidRequest([{ field: 'query.after', reason: 'expected a log position (digits), or nothing for the start' }]),
      );
    if (q.limit !== undefined && (!/^\d{1,5}$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > MAX_LOG_PAGE))
      return sendProblem(reply, invalidRequest([{ field: 'query.limit', reason: `expected a whole number from 1 to ${MAX_LOG_PAGE}` }]));
    const limit = q.limit === undefined ? LOG_PAGE : Number(q.limit);
    const read = await ctx.cairn.ledger.log.readAll({ after: q.after === undefined ? null : BigInt(q.after), limit });
    if (E.isLeft(read))
      return sendProblem(reply, problem(503, 'unavailable', 'The log cannot be read', 'the log cannot be read now; try again'));
    const events: LogPageEvent[] = read.right.map((e) => ({
      position: e.position.toString(),
      id: e.id,
      stream: e.stream,
      revision: e.revision.toString(),
      type: e.type,
      data: e.storedData,
      ...(e.metadata === undefined ? {} : { metadata: JSON.stringify(e.metadata) }),
      recordedAt: e.recordedAt.toISOString(),
    }));
    const page: LogPage = { events, next: events.length === limit ? events[events.length - 1]!.position : null };
    return reply.header('cache-control', 'no-store').type('application/json').send(JSON.stringify(page));
  });
}
