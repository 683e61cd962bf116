// The heads a witness cosigns (`cairn tree-head cosign --store http://…`): the largest head this
// server's ledger signed and remembers, and the cosignature a witness made of it where its key is.
// The witness checks the head against the log itself (read from /v1/log) and signs; the server
// never sees the witness's secret key. A cosignature is taken only in a request signed (RFC 9421)
// by the witness's own registered, unrevoked key, only over a head this server remembers, and
// only when its signature verifies; it is then kept in the store's tree-heads file, where
// `cairn verify --witness` finds it.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { TreeHeadCosignature } from '@cairn/schemas';
import { NoQuery } from '../codecs.js';
import { queryOf, type ServerContext } from '../context.js';
import { decodeStrict } from '../decode.js';
import { invalidRequest, problem } from '../problem.js';
import { sendProblem } from '../respond.js';
import { toJson } from '../json.js';
import { COSIGNATURES_ROUTE, signerOf } from '../auth/register-signatures.js';
import { signatureProblem } from '../auth/signed-request.js';

export function registerTreeHeads(app: FastifyInstance, ctx: ServerContext): void {
  // Never cached: the next head this server signs is the latest.
  app.get('/v1/tree-heads/latest', async (request, reply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const latest = await ctx.cairn.latestTreeHead();
    return reply
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(toJson({ latest: latest === undefined ? null : { treeHead: latest.treeHead, signature: latest.signature } }));
  });

  app.post(COSIGNATURES_ROUTE, async (request, reply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const witness = signerOf(request);
    if (witness === undefined) return sendProblem(reply, signatureProblem('Signature-Input', 'missing'));
    const body = decodeStrict(TreeHeadCosignature, request.body, 'body');
    if (E.isLeft(body)) return sendProblem(reply, invalidRequest(body.left));
    if (body.right.witness !== witness.publicKey)
      return sendProblem(
        reply,
        problem(
          403,
          'forbidden',
          'A witness cosigns only as itself',
          `body.witness: not the key of ${witness.contributorId}, who signed the request`,
          {
            field: 'body.witness',
            reason: 'not the key that signed the request',
          },
        ),
      );
    const kept = await ctx.cairn.recordCosignature(body.right);
    if (E.isLeft(kept))
      return sendProblem(
        reply,
        problem(422, 'cosignature-refused', 'The cosignature was not kept', kept.left.message, {
          field: `body.${kept.left.field}`,
          reason: kept.left.message,
        }),
      );
    return reply.code(201).header('cache-control', 'no-store').type('application/json').send(toJson(kept.right));
  });
}
