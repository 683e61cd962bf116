// The training side over HTTP (the client's RunFacts, remote-runs.ts): a gradient artifact
// uploaded by its content hash, and the facts record-run, record-gradients, attribute, passport,
// attest, record-keeping and contamination read. Each calls the client; the signing of runs,
// gradients and statements happens where the key is, never here.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ArtifactQuery,
  ContaminationQuery,
  KeyRefusalQuery,
  MAX_ARTIFACT_BYTES,
  localRunFacts,
  statementStoreChecks,
  npyHeader,
  queryRowsOf,
  storeRunArtifact,
  type RunFactsError,
} from '@cairn/client';
import { isSha256Hex, openStatement } from '@cairn/core';
import { AsOfQuery, NoQuery } from '../codecs.js';
import { decodeStrict, loneSurrogates, nulCharacters } from '../decode.js';
import type { ScoreBlocks } from '@cairn/client';
import { queryOf, read, type ServerContext } from '../context.js';
import { invalidRequest, problem, type Problem } from '../problem.js';
import { sendProblem } from '../respond.js';
import { toJson } from '../json.js';
import { storeProblem } from './store-reads.js';
import { StatementChecksBody } from './runs-openapi.js';

type Params<K extends string> = FastifyRequest<{ Params: Record<K, string> }>;

const factsProblem = (e: RunFactsError): Problem =>
  e._tag === 'UsageError' && e.field !== undefined
    ? invalidRequest([{ field: e.field, reason: e.reason ?? e.message }])
    : e._tag === 'MalformedEvent'
      ? problem(503, 'unavailable', 'The ledger could not answer', e.message)
      : storeProblem(e);

const orProblem = <A>(r: E.Either<RunFactsError, A>): E.Either<Problem, A> => (E.isLeft(r) ? E.left(factsProblem(r.left)) : r);

export interface RunRoutesOptions {
  /** The largest gradient artifact one upload may carry, in bytes. */
  readonly artifactLimit?: number;
}

export async function registerRuns(app: FastifyInstance, ctx: ServerContext, options: RunRoutesOptions = {}): Promise<void> {
  const facts = localRunFacts(ctx.cairn);
  const artifactLimit = options.artifactLimit ?? MAX_ARTIFACT_BYTES;

  app.get('/v1/versions/:ref/resolve', (request: Params<'ref'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, async (_q, asOf) => orProblem(await facts.resolveVersion(request.params.ref, asOf))),
  );

  // A gradient artifact's row map: the version's members in id order.
  app.get('/v1/versions/:ref/member-ids', (request: Params<'ref'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, async (_q, asOf) =>
      E.map((ids: readonly string[]) => ({ ids }))(orProblem(await facts.memberIds(request.params.ref, asOf))),
    ),
  );

  app.get('/v1/versions/:ref/attest-facts', (request: Params<'ref'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, async (_q, asOf) => orProblem(await facts.attestFacts(request.params.ref, asOf))),
  );

  app.get('/v1/runs/:run/estimator', (request: Params<'run'>, reply: FastifyReply) =>
    read(ctx, request, reply, NoQuery, async () => orProblem(await facts.attributionEstimator(request.params.run))),
  );

  // The CF of each train row: the columns of the matrix /scores.npy streams, asked apart so the
  // query rows are sent once (`cairn attribute --top all`).
  app.get('/v1/runs/:run/columns', (request: Params<'run'>, reply: FastifyReply) =>
    read(ctx, request, reply, NoQuery, async () => {
      const columns = await ctx.cairn.attributionColumns(request.params.run);
      return E.isLeft(columns) ? E.left(storeProblem(columns.left)) : E.right({ runId: request.params.run, columns: columns.right });
    }),
  );

  // Cut against the ledger's signed head as the log is now: never cached.
  app.get('/v1/runs/:run/record-keeping', async (request: Params<'run'>, reply: FastifyReply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const record = await facts.recordKeeping(request.params.run);
    if (E.isLeft(record)) return sendProblem(reply, factsProblem(record.left));
    return reply.header('cache-control', 'no-store').type('application/json').send(toJson(record.right));
  });

  app.get('/v1/contamination', async (request, reply) => {
    const q = queryOf(request, reply, ContaminationQuery);
    if (q === undefined) return reply;
    const threshold = q.threshold === undefined ? 0.8 : Number(q.threshold);
    if (!(threshold > 0 && threshold <= 1))
      return sendProblem(reply, invalidRequest([{ field: 'query.threshold', reason: `expected a number in (0, 1], got ${q.threshold}` }]));
    return read(ctx, request, reply, ContaminationQuery, async () => orProblem(await facts.contamination(q.train, q.against, threshold)));
  });

  // Whether a key may sign a statement (a passport, an attestation) for its contributor now.
  app.get('/v1/contributors/:contributor/key-refusal', async (request: Params<'contributor'>, reply: FastifyReply) => {
    const q = queryOf(request, reply, KeyRefusalQuery);
    if (q === undefined) return reply;
    const refusal = await facts.keyRefusal(request.params.contributor, q.publicKey);
    if (E.isLeft(refusal)) return sendProblem(reply, factsProblem(refusal.left));
    return reply
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(toJson({ refusal: refusal.right ?? null }));
  });

  // What the log says of a signed statement: the same checks a local store adds to the offline ones.
  // The statement is untrusted input; a check that cannot pass says why, as it does locally.
  app.post('/v1/statements/checks', async (request, reply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const body = decodeStrict(StatementChecksBody, request.body, 'body');
    if (E.isLeft(body)) return sendProblem(reply, invalidRequest(body.left));
    // The predicate's ids are looked up as text: one with a NUL would fail the query, not fail the
    // check. A payload that is not strict UTF-8 JSON (an unpaired surrogate, a twice-named member) is
    // refused as core opens it: looked up leniently it would name another id than the one signed.
    const opened = openStatement(body.right.envelope);
    if (opened.error !== null)
      return sendProblem(reply, invalidRequest([{ field: `body.envelope.${opened.error.field}`, reason: opened.error.reason }]));
    const statement = opened.statement;
    const unstorable = [...nulCharacters(statement, 'body.envelope.payload'), ...loneSurrogates(statement, 'body.envelope.payload')];
    if (unstorable.length > 0) return sendProblem(reply, invalidRequest(unstorable));
    const checks = await statementStoreChecks(ctx.cairn, body.right.kind, body.right.envelope);
    return reply.header('cache-control', 'no-store').type('application/json').send(toJson({ checks }));
  });

  // The upload takes raw bytes, with its own size cap, in a scope of its own so no other route reads octet streams.
  await app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.statusCode === 413)
        return sendProblem(
          reply,
          problem(413, 'too-large', 'The artifact is too large', `an artifact upload is at most ${artifactLimit} bytes`, {
            field: 'body',
            reason: `larger than ${artifactLimit} bytes`,
          }),
        );
      throw error;
    });
    scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: artifactLimit }, (_request, body, done) =>
      done(null, body),
    );
    // The whole query × train score matrix (`cairn attribute --top all`): the query rows come as
    // an .npy body, the scores leave as an .npy streamed a block of query rows at a time, so the
    // matrix is never whole in the server's memory. `/scores` answers its shape and each column's CF.
    const scoresOf = async (
      request: FastifyRequest<{ Params: { run: string } }>,
      reply: FastifyReply,
    ): Promise<ScoreBlocks | undefined> => {
      if (queryOf(request, reply, NoQuery) === undefined) return undefined;
      if (!Buffer.isBuffer(request.body)) {
        sendProblem(
          reply,
          problem(415, 'invalid-request', 'The request is not valid', 'query rows are sent as an .npy, application/octet-stream', {
            field: 'content-type',
            reason: 'expected application/octet-stream',
          }),
        );
        return undefined;
      }
      const rows = queryRowsOf(new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength), 'body');
      if (E.isLeft(rows)) {
        sendProblem(reply, invalidRequest([{ field: 'body', reason: rows.left.reason ?? rows.left.message }]));
        return undefined;
      }
      const matrix = await ctx.cairn.attributionScores(request.params.run, rows.right);
      if (E.isLeft(matrix)) {
        sendProblem(reply, storeProblem(matrix.left));
        return undefined;
      }
      return matrix.right;
    };
    scope.post('/v1/runs/:run/scores', { bodyLimit: artifactLimit }, async (request: Params<'run'>, reply: FastifyReply) => {
      const m = await scoresOf(request, reply);
      if (m === undefined) return reply;
      return reply
        .header('cache-control', 'no-store')
        .type('application/json')
        .send(toJson({ runId: request.params.run, rows: m.rows, cols: m.cols, columns: m.columns }));
    });
    scope.post('/v1/runs/:run/scores.npy', { bodyLimit: artifactLimit }, async (request: Params<'run'>, reply: FastifyReply) => {
      const m = await scoresOf(request, reply);
      if (m === undefined) return reply;
      async function* npy(matrix: ScoreBlocks): AsyncGenerator<Uint8Array> {
        yield npyHeader(matrix.rows, matrix.cols);
        for await (const block of matrix.blocks) yield littleEndian(block.data);
      }
      return reply
        .header('cache-control', 'no-store')
        .header('cairn-score-shape', `${m.rows},${m.cols}`)
        .type('application/octet-stream')
        .send(Readable.from(npy(m), { objectMode: false }));
    });
    scope.put(
      '/v1/artifacts/:hash',
      { bodyLimit: artifactLimit },
      async (request: FastifyRequest<{ Params: { hash: string } }>, reply: FastifyReply) => {
        const { hash } = request.params;
        // The name is the content hash, and nothing else: no path can be spelled through it.
        if (!isSha256Hex(hash))
          return sendProblem(
            reply,
            invalidRequest([{ field: 'path.hash', reason: 'expected the SHA-256 of the bytes, 64 lowercase hex' }]),
          );
        const q = queryOf(request, reply, ArtifactQuery);
        if (q === undefined) return reply;
        if (!Buffer.isBuffer(request.body))
          return sendProblem(
            reply,
            problem(415, 'invalid-request', 'The request is not valid', 'an artifact is sent as application/octet-stream', {
              field: 'content-type',
              reason: 'expected application/octet-stream',
            }),
          );
        const bytes = new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength);
        const actual = createHash('sha256').update(bytes).digest('hex');
        if (actual !== hash)
          return sendProblem(
            reply,
            invalidRequest([{ field: 'body', reason: `its SHA-256 is ${actual}, not the ${hash} the path names` }]),
          );
        const stored = await storeRunArtifact(ctx.cairn, q.kind, bytes);
        if (E.isLeft(stored))
          return sendProblem(
            reply,
            invalidRequest([{ field: `body.${stored.left.field ?? 'npy'}`, reason: stored.left.reason ?? stored.left.message }]),
          );
        return reply.code(200).header('cache-control', 'no-store').type('application/json').send(toJson(stored.right));
      },
    );
  });
}

/** A block's floats as the .npy's `<f4` bytes, whatever the platform's byte order. */
function littleEndian(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return bytes;
}
