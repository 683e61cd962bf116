// The write: a batch of events signed by their contributors elsewhere (the SDK's `ledger.sign`
// envelope, or a batch sealed with `ledger.seal`: the seal, then its CFs), appended through the SDK's ingest, the path `cairn import` takes. The ledger checks
// every rule and signature; the batch goes in whole or not at all, and an event already in the
// log is answered with its receipt again (alreadyAppended) instead of a second copy. The server
// holds no contributor's key: it can only pass on what was signed.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { IngestItem } from '@cairn/sdk';
import { EventBatch } from '../codecs.js';
import type { ServerContext } from '../context.js';
import { failureLimiter, type FailureBudget } from '../failure-limit.js';
import { decodeStrict } from '../decode.js';
import { invalidRequest, ledgerProblem, problem } from '../problem.js';
import { sendProblem } from '../respond.js';
import { toJson } from '../json.js';

/** Events in one batch; a larger load is several batches. */
export const MAX_BATCH_EVENTS = 10_000;

export function registerWrites(app: FastifyInstance, ctx: ServerContext, budget: FailureBudget): void {
  const limiter = failureLimiter(budget);
  app.post('/v1/events', async (request, reply) => {
    const wait = limiter.blocked(request.ip);
    if (wait !== undefined)
      return sendProblem(
        reply.header('retry-after', String(wait)),
        problem(
          429,
          'too-many-invalid-signatures',
          'Too many invalid signatures',
          `this client sent too many events with invalid signatures; try again in ${wait} s`,
        ),
      );
    const batch = decodeStrict(EventBatch, request.body, 'body');
    if (E.isLeft(batch)) return sendProblem(reply, invalidRequest(batch.left));
    const events = batch.right.events;
    if (events.length === 0) return sendProblem(reply, invalidRequest([{ field: 'body.events', reason: 'expected at least one event' }]));
    if (events.length > MAX_BATCH_EVENTS)
      return sendProblem(
        reply,
        invalidRequest([{ field: 'body.events', reason: `at most ${MAX_BATCH_EVENTS} events a batch, got ${events.length}` }]),
      );
    const items: IngestItem[] = events.map((e) => ({
      envelope: e.envelope,
      ...(e.sample === undefined
        ? {}
        : {
            sample: {
              bytes: new Uint8Array(Buffer.from(e.sample.bytes, 'base64')),
              ...(e.sample.salt === undefined ? {} : { salt: new Uint8Array(Buffer.from(e.sample.salt, 'base64')) }),
            },
          }),
    }));
    const receipts = await ctx.cairn.ledger.ingest(items);
    if (E.isLeft(receipts)) {
      if (receipts.left._tag === 'RuleViolation' && receipts.left.rule === 'signature-valid') limiter.failed(request.ip);
      return sendProblem(reply, ledgerProblem(receipts.left));
    }
    // Caught up before answering, so a read after this answer sees the batch.
    const caught = await ctx.follower.catchUp();
    if (E.isLeft(caught))
      return sendProblem(
        reply,
        problem(503, 'unavailable', 'Appended, but not yet readable', `the batch is in the log; ${caught.left.message}`),
      );
    const fresh = receipts.right.some((r) => !r.alreadyAppended);
    return reply
      .code(fresh ? 201 : 200)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(toJson({ receipts: receipts.right, head: caught.right }));
  });
}
