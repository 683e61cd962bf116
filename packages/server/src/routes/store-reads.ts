// The store's wider reads over the client's typed methods: the status document, the provenance
// card (Markdown), the EU AI Act report facts, runs and credit, the log's verification, the signed
// tree head, and a version's exports. Each calls one client method; no query is written here.
import { Readable } from 'node:stream';
import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  cardMarkdown,
  exportFactsHeader,
  exportFactsMember,
  exportText,
  folderExportFacts,
  memberLine,
  toCroissant,
  toOpenLineage,
  versionExport,
  statusDocument,
  type CardFacts,
  type FolderFacts,
} from '@cairn/client';
import { AsOfQuery, AttributeBody, CreditQuery, DatasetsQuery, ExportQuery, NoQuery, TreeHeadQuery, UnlearningQuery } from '../codecs.js';
import { answerAt, queryOf, read, type ServerContext } from '../context.js';
import { invalidRequest, notFound, problem, readProblem, type Problem } from '../problem.js';
import { decodeStrict } from '../decode.js';
import { sendJson, sendProblem } from '../respond.js';
import { toJson } from '../json.js';

type Params<K extends string> = FastifyRequest<{ Params: Record<K, string> }>;

/** The store's own failures (runs, attribution, the log) as problem documents; the rest as reads fail. */
export function storeProblem(error: { readonly _tag: string; readonly message?: string }): Problem {
  const message = error.message ?? error._tag;
  switch (error._tag) {
    case 'RunNotFound':
      return notFound(message);
    case 'QueryShapeMismatch':
    case 'InvalidTopK':
      return problem(400, 'invalid-request', 'The request is not valid', message, { field: 'body.queries' });
    case 'RunNotScored':
    case 'VersionMismatch':
    case 'ModelUnfit':
      return problem(409, 'not-applicable', 'The question does not apply', message);
    case 'LogUnavailable':
    case 'RunEventUnreadable':
    case 'StatusUnavailable':
      return problem(503, 'unavailable', 'The ledger could not answer', message);
    default:
      return readProblem(error as Parameters<typeof readProblem>[0]);
  }
}

/** A streamed JSON Lines body: each value a line, written as the reply drains. */
const jsonLines = (values: Iterable<unknown>) => ({
  body: Readable.from(
    (function* () {
      for (const v of values) yield `${JSON.stringify(v)}\n`;
    })(),
  ),
  contentType: 'application/x-ndjson',
});

const orProblem = <A>(r: E.Either<{ readonly _tag: string; readonly message?: string }, A>): E.Either<Problem, A> =>
  E.isLeft(r) ? E.left(storeProblem(r.left)) : r;

export function registerStoreReads(app: FastifyInstance, ctx: ServerContext): void {
  const { cairn } = ctx;

  // The document `cairn status --json` prints: counts, limits and each projection's state. The
  // store is named by its kind only: the CLI shows its own user the folder, but over HTTP the
  // folder would tell anyone who can read the server's user name and disk layout.
  app.get('/v1/status/counts', (request, reply) =>
    ctx.follower.latest(async (head) => {
      if (queryOf(request, reply, NoQuery) === undefined) return reply;
      const doc = await statusDocument(cairn);
      if (E.isLeft(doc)) return sendProblem(reply, storeProblem(doc.left));
      return sendJson(request, reply, { pinned: false, head }, { ...doc.right, store: cairn.location.kind });
    }),
  );

  // The datasets defined, or those the query searches for; now or as of a moment (asOf).
  app.get('/v1/datasets', async (request, reply) => {
    const q = queryOf(request, reply, DatasetsQuery);
    if (q === undefined) return reply;
    const { asOf: asOfText, ...search } = q;
    return answerAt(ctx, request, reply, asOfText, async (asOf) => E.right({ datasets: await cairn.datasets(search, asOf) }));
  });

  app.get('/v1/versions/:ref/card', (request: Params<'ref'>, reply: FastifyReply) =>
    read(
      ctx,
      request,
      reply,
      AsOfQuery,
      (_q, asOf) => cairn.cardFacts(request.params.ref, asOf),
      async (value) => {
        const facts = value as CardFacts;
        const labels = await cairn.labels(facts.origin.contributors.map((c) => c.contributor));
        return { body: cardMarkdown(facts, labels), contentType: 'text/markdown; charset=utf-8' };
      },
    ),
  );

  app.get('/v1/versions/:ref/report', (request: Params<'ref'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, async (_q, asOf) => orProblem(await cairn.reportFacts(request.params.ref, asOf))),
  );

  app.get('/v1/runs', (request, reply) => read(ctx, request, reply, AsOfQuery, async (_q, asOf) => orProblem(await cairn.runs(asOf))));

  app.get('/v1/runs/:run', (request: Params<'run'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, async (_q, asOf) => orProblem(await cairn.run(request.params.run, asOf))),
  );

  app.get('/v1/runs/:run/credit', (request: Params<'run'>, reply: FastifyReply) =>
    read(ctx, request, reply, CreditQuery, async (q, asOf) => orProblem(await cairn.credit(request.params.run, q.ref, asOf))),
  );

  app.get('/v1/runs/:run/diff/:other', (request: FastifyRequest<{ Params: { run: string; other: string } }>, reply: FastifyReply) =>
    read(ctx, request, reply, NoQuery, async () => orProblem(await cairn.diffRuns(request.params.run, request.params.other))),
  );

  // Re-reads the run's recorded data and checks it against what was recorded: no cache.
  app.get('/v1/runs/:run/reproduce', (request: Params<'run'>, reply: FastifyReply) =>
    read(ctx, request, reply, NoQuery, async () => orProblem(await cairn.reproduceCheck(request.params.run))),
  );

  app.get('/v1/runs/:run/unlearning', (request: Params<'run'>, reply: FastifyReply) =>
    read(ctx, request, reply, UnlearningQuery, async (q) =>
      orProblem(await cairn.unlearning(request.params.run, q.top === undefined ? undefined : Number(q.top))),
    ),
  );

  app.get('/v1/runs/:run/passport', (request: Params<'run'>, reply: FastifyReply) =>
    read(ctx, request, reply, NoQuery, async () => orProblem(await cairn.passport(request.params.run))),
  );

  /** Query rows in one attribute request. */
  const MAX_QUERIES = 1000;

  // Each query row's top-k training CFs by TRAK score. A read, but its rows are a body: POST, never cached.
  app.post('/v1/runs/:run/attribute', async (request: Params<'run'>, reply: FastifyReply) => {
    const body = decodeStrict(AttributeBody, request.body, 'body');
    if (E.isLeft(body)) return sendProblem(reply, invalidRequest(body.left));
    const { queries, topK } = body.right;
    const cols = queries[0]?.length ?? 0;
    const refuse = (field: string, reason: string) => sendProblem(reply, invalidRequest([{ field, reason }]));
    if (queries.length === 0 || cols === 0) return refuse('body.queries', 'expected at least one non-empty query row');
    if (queries.length > MAX_QUERIES) return refuse('body.queries', `at most ${MAX_QUERIES} query rows, got ${queries.length}`);
    const ragged = queries.findIndex((row) => row.length !== cols);
    if (ragged >= 0) return refuse(`body.queries.${ragged}`, `expected ${cols} values like row 0, got ${queries[ragged]!.length}`);
    if (!Number.isInteger(topK) || topK < 1) return refuse('body.topK', `expected a whole number of at least 1, got ${topK}`);
    const data = new Float32Array(queries.length * cols);
    queries.forEach((row, i) => data.set(row, i * cols));
    const r = await cairn.attribute(request.params.run, { rows: queries.length, cols, data }, topK);
    if (E.isLeft(r)) return sendProblem(reply, storeProblem(r.left));
    return reply
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(toJson({ runId: request.params.run, queries: r.right }));
  });

  // Every event decoded, signed and admitted under the SDK's rules: as long as the log is.
  app.get('/v1/verify/log', async (request, reply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const v = await cairn.verifyLog();
    return reply.header('cache-control', 'no-store').type('application/json').send(toJson(v));
  });

  // Signs the log's head as it is now; never cached (the next event moves it).
  app.get('/v1/tree-head', async (request, reply) => {
    const q = queryOf(request, reply, TreeHeadQuery);
    if (q === undefined) return reply;
    const th = await cairn.treeHead(q.from === undefined ? undefined : Number(q.from));
    if (E.isLeft(th)) return sendProblem(reply, storeProblem(th.left as { _tag: string; message?: string }));
    return reply.header('cache-control', 'no-store').type('application/json').send(toJson(th.right));
  });

  // A version as JSON Lines (one member a line, written as it goes), OpenLineage events (one a
  // line), a Croissant document or MLflow's dataset input: the files `cairn export --format` writes.
  app.get('/v1/versions/:ref/export', async (request: Params<'ref'>, reply: FastifyReply) => {
    const q = queryOf(request, reply, ExportQuery);
    if (q === undefined) return reply;
    return answerAt(
      ctx,
      request,
      reply,
      q.asOf,
      async (asOf) => orProblem(await versionExport(cairn, request.params.ref, asOf)),
      async (value) => {
        const x = value as Parameters<typeof toCroissant>[0];
        if (q.format === 'croissant') return { body: `${toJson(toCroissant(x))}\n`, contentType: 'application/ld+json' };
        if (q.format === 'mlflow') return { body: exportText(x, 'mlflow'), contentType: 'application/json' };
        if (q.format === 'openlineage')
          return {
            body: toOpenLineage(x)
              .map((e) => `${JSON.stringify(e)}\n`)
              .join(''),
            contentType: 'application/x-ndjson',
          };
        return jsonLines(
          (function* () {
            for (const m of x.members) yield memberLine(x, m);
          })(),
        );
      },
    );
  });

  // What a folder export (`cairn export --format files|huggingface` against this server) is
  // written from, as JSON Lines (the client's wire/export-facts.ts): the version's facts first,
  // then each member's, written as they go. The bytes are not here: each is its own signed read
  // of /v1/cfs/{cf}/content, which never serves an erased sample.
  app.get('/v1/versions/:ref/export-facts', async (request: Params<'ref'>, reply: FastifyReply) => {
    const q = queryOf(request, reply, AsOfQuery);
    if (q === undefined) return reply;
    return answerAt(
      ctx,
      request,
      reply,
      q.asOf,
      async (asOf) => orProblem(await folderExportFacts(cairn, request.params.ref, asOf)),
      async (value) => {
        const { version, publication, importPaths } = value as FolderFacts;
        return jsonLines(
          (function* () {
            yield exportFactsHeader(version, publication);
            for (const m of version.members) yield exportFactsMember(m, importPaths.get(m.cfId));
          })(),
        );
      },
    );
  });
}
