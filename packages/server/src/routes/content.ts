// GET /v1/cfs/{cf}/content: a sample's decrypted bytes, the HTTP form of `cairn cat`. Only for a
// signed request (register-signatures.ts checked it) whose contributor is the sample's author or
// holds the reader role: the read is the client's readSampleBytes, given the request's signature
// as the proof of the reader's key. The store's own key material decrypts; no contributor's
// secret key is involved. An erased sample is 410, never bytes; the bytes are never cached, so
// an erasure reaches every copy this server handed out through a cache.
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readSampleBytes, type ReadError, type SampleReadError } from '@cairn/client';
import { contentDigestOf } from '@cairn/core';
import type { ServerContext } from '../context.js';
import { notFound, problem, readProblem, type Problem } from '../problem.js';
import { sendProblem } from '../respond.js';
import { CONTENT_ROUTE, signerOf } from '../auth/register-signatures.js';
import { signatureProblem } from '../auth/signed-request.js';

export const CF_ID_HEADER = 'cairn-cf-id';

function sampleProblem(error: SampleReadError): Problem {
  switch (error._tag) {
    case 'RuleViolation':
      return error.rule === 'read-authority'
        ? problem(403, 'forbidden', 'The signer may not read this sample', error.reason, {
            field: error.field,
            reason: error.reason,
            rule: error.rule,
          })
        : problem(422, 'rule-violation', 'A ledger rule refused the read', error.message, {
            rule: error.rule,
            field: error.field,
            reason: error.reason,
          });
    case 'ErasedSample':
      return problem(410, 'erased', 'The sample was erased', error.message, { field: 'cf', reason: 'erased' });
    case 'SampleNotFound':
      return notFound(error.message, 'cf');
    default:
      return problem(503, 'unavailable', 'The ledger could not answer', 'the sample could not be read; try again');
  }
}

export function registerContent(app: FastifyInstance, ctx: ServerContext): void {
  app.get(CONTENT_ROUTE, async (request: FastifyRequest<{ Params: { cf: string } }>, reply: FastifyReply) => {
    if (Object.keys((request.query as object | undefined) ?? {}).length > 0)
      return sendProblem(
        reply,
        problem(400, 'invalid-request', 'The request is not valid', 'query: this read takes no parameters', {
          field: 'query',
          reason: 'takes no parameters',
        }),
      );
    const reader = signerOf(request);
    if (reader === undefined) return sendProblem(reply, signatureProblem('Signature-Input', 'missing'));
    const read = await readSampleBytes(ctx.cairn, request.params.cf, reader);
    if (E.isLeft(read)) {
      const e = read.left;
      const sampleError = e._tag === 'RuleViolation' || e._tag === 'ErasedSample' || e._tag === 'SampleNotFound';
      return sendProblem(reply, sampleError ? sampleProblem(e as SampleReadError) : readProblem(e as ReadError));
    }
    const { cfId, bytes } = read.right;
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .header(CF_ID_HEADER, cfId)
      .header('content-digest', contentDigestOf(bytes))
      .type('application/octet-stream')
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
