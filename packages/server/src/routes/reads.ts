// The reads: each decodes its query, resolves asOf, calls one client method and sends the
// client's answer as the CLI's --json prints it. No query is written here.
import * as E from 'fp-ts/lib/Either.js';
import { renderLineage } from '@cairn/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AsOfQuery, DiffQuery, MembersQuery, NoQuery, TraceQuery, WhyQuery } from '../codecs.js';
import { LabelsBody, MAX_LABEL_IDS } from '@cairn/client';
import { decodeStrict, nulCharacters } from '../decode.js';
import { toJson } from '../json.js';
import { answerAt, read, queryOf, versionReadsAt, type Render, type ServerContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { invalidRequest, notFound, problem } from '../problem.js';
import { sendJson, sendProblem } from '../respond.js';

/** Members per page when the request names no limit (the CLI's default too). */
export const DEFAULT_MEMBER_PAGE = 50;
export const MAX_MEMBER_PAGE = 1000;
/** The most nodes a trace may ask for (`maxNodes`); the library's default is 500. */
export const MAX_TRACE_NODES = 5000;

type Params<K extends string> = FastifyRequest<{ Params: Record<K, string> }>;

const TRACE_TYPES = { svg: 'image/svg+xml', dot: 'text/vnd.graphviz', mermaid: 'text/plain; charset=utf-8' } as const;

/** The trace drawn by the CLI's renderer (`cairn trace --format`); undefined: sent as JSON. The query is decoded before this runs. */
const traceRender = (format: string): Render | undefined =>
  format === 'svg' || format === 'dot' || format === 'mermaid'
    ? async (value) => ({
        body: await renderLineage(value as Parameters<typeof renderLineage>[0], format),
        contentType: TRACE_TYPES[format],
      })
    : undefined;

export function registerReads(app: FastifyInstance, ctx: ServerContext): void {
  const { cairn } = ctx;

  app.get('/v1/status', async (request, reply) => {
    if (queryOf(request, reply, NoQuery) === undefined) return reply;
    const head = await cairn.ledger.log.head();
    if (E.isLeft(head))
      return sendProblem(reply, problem(503, 'unavailable', 'The ledger could not answer', 'the log head could not be read'));
    const caughtUpTo = ctx.follower.caughtUpTo();
    return sendJson(request, reply, { pinned: false, head: caughtUpTo }, { head: head.right, caughtUpTo, store: cairn.location.kind });
  });

  app.get('/v1/datasets/:dataset/versions', (request: Params<'dataset'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, (_q, asOf) => cairn.datasetVersions(request.params.dataset, asOf)),
  );

  app.get('/v1/versions/:ref', async (request: Params<'ref'>, reply: FastifyReply) => {
    const q = queryOf(request, reply, MembersQuery);
    if (q === undefined) return reply;
    const limit = q.limit === undefined ? DEFAULT_MEMBER_PAGE : Number(q.limit);
    if (limit > MAX_MEMBER_PAGE)
      return sendProblem(
        reply,
        invalidRequest([{ field: 'query.limit', reason: `at most ${MAX_MEMBER_PAGE} members a page, got ${limit}` }]),
      );
    let ref = request.params.ref;
    let asOfText = q.asOf;
    let after: string | undefined;
    let offset: number | undefined;
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      if (E.isLeft(c)) return sendProblem(reply, invalidRequest([c.left]));
      if (q.asOf !== undefined)
        return sendProblem(
          reply,
          invalidRequest([{ field: 'query.asOf', reason: 'a cursor carries its own moment; give cursor or asOf, not both' }]),
        );
      // The cursor pins the version (by its full id) and the moment the first page answered at.
      const at = ref.lastIndexOf('@');
      ref = `${at < 0 ? ref : ref.slice(0, at)}@${c.right.versionId}`;
      asOfText = c.right.position === null ? undefined : c.right.position.toString();
      after = c.right.after;
      offset = c.right.offset;
    }
    return answerAt(ctx, request, reply, asOfText, async (asOf, moment) => {
      const page = { limit, ...(after === undefined ? {} : { after }), ...(offset === undefined ? {} : { offset }) };
      const shown = await versionReadsAt(ctx, moment).datasetShow(ref, page, asOf);
      if (E.isLeft(shown)) return shown;
      const position = moment.pinned ? moment.position : moment.head;
      const next = shown.right.next;
      return E.right({
        ...shown.right,
        nextCursor:
          next === null
            ? null
            : encodeCursor({
                versionId: shown.right.versionId,
                after: next,
                position,
                offset: shown.right.offset + shown.right.members.length,
              }),
      });
    });
  });

  app.get('/v1/versions/:ref/licenses', (request: Params<'ref'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, (_q, asOf, moment) => versionReadsAt(ctx, moment).licenses(request.params.ref, asOf)),
  );

  // A diff at the latest is kept at its head: it is large to send again and rests on the log alone.
  app.get('/v1/diff', (request, reply) =>
    read(ctx, request, reply, DiffQuery, (q, asOf, moment) => versionReadsAt(ctx, moment).diff(q.from, q.to, asOf), undefined, true),
  );

  app.get('/v1/cfs/:cf', (request: Params<'cf'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, (_q, asOf) => cairn.show(request.params.cf, asOf)),
  );

  app.get('/v1/cfs/:cf/why', (request: Params<'cf'>, reply: FastifyReply) =>
    read(ctx, request, reply, WhyQuery, (q, asOf, moment) => versionReadsAt(ctx, moment).why(request.params.cf, q.in, asOf)),
  );

  app.get('/v1/cfs/:cf/impact', (request: Params<'cf'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, (_q, asOf) => cairn.impact(request.params.cf, asOf)),
  );

  app.get('/v1/cfs/:cf/history', (request: Params<'cf'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, (_q, asOf) => cairn.history(request.params.cf, asOf)),
  );

  app.get('/v1/cfs/:cf/proof', (request: Params<'cf'>, reply: FastifyReply) =>
    read(ctx, request, reply, WhyQuery, async (q, asOf, moment) => {
      const p = await versionReadsAt(ctx, moment).inclusionProof(request.params.cf, q.in, asOf);
      if (E.isLeft(p)) return p;
      // The proof file `cairn prove` writes, checkable offline with `cairn prove --verify`.
      return E.right({
        cairnInclusionProof: 1,
        cfId: p.right.cfId,
        dataset: p.right.ref.dataset,
        versionId: p.right.ref.versionId,
        manifestId: p.right.manifestId,
        merkleRoot: p.right.proof.root,
        proof: p.right.proof,
      });
    }),
  );

  // Who signed a CF, as `cairn prove --signed-by` prints it: checkable offline with core alone.
  app.get('/v1/cfs/:cf/authorship', (request: Params<'cf'>, reply: FastifyReply) =>
    read(ctx, request, reply, NoQuery, async () => {
      const cf = await cairn.resolveCf(request.params.cf, 'cf');
      if (E.isLeft(cf)) return cf;
      const proof = await cairn.ledger.authorship(cf.right);
      if (E.isRight(proof)) return proof;
      const e = proof.left;
      return E.left(
        e._tag === 'RuleViolation' && e.rule === 'reference-exists'
          ? notFound(e.reason, 'cf')
          : problem(503, 'unavailable', 'The ledger could not answer', 'the authorship of this CF could not be read; try again'),
      );
    }),
  );

  // The datasets re-assembled because of an amendment or supersession, and whether it is in each
  // version that cut (the warnings `cairn amend` prints).
  app.get('/v1/cfs/:cf/replacement-outcomes', (request: Params<'cf'>, reply: FastifyReply) =>
    read(ctx, request, reply, NoQuery, async () => {
      const cf = await cairn.resolveCf(request.params.cf, 'cf');
      return E.isLeft(cf) ? cf : E.right(await cairn.replacementOutcomes(cf.right));
    }),
  );

  // The facts `cairn card --json` carries beside its Markdown (GET …/card sends the Markdown).
  app.get('/v1/versions/:ref/card-facts', (request: Params<'ref'>, reply: FastifyReply) =>
    read(ctx, request, reply, AsOfQuery, (_q, asOf) => cairn.cardFacts(request.params.ref, asOf)),
  );

  // Human names of lineage nodes (contributor names, sample sources); ids without one are left out.
  // A read whose ids are a body: POST, never cached (a contributor may register a name later).
  app.post('/v1/labels', async (request, reply) => {
    const body = decodeStrict(LabelsBody, request.body, 'body');
    if (E.isLeft(body)) return sendProblem(reply, invalidRequest(body.left));
    const { ids } = body.right;
    if (ids.length > MAX_LABEL_IDS)
      return sendProblem(reply, invalidRequest([{ field: 'body.ids', reason: `at most ${MAX_LABEL_IDS} ids, got ${ids.length}` }]));
    // The ids are looked up as text: one with a NUL would fail the query, not name nothing.
    const unstorable = nulCharacters(ids, 'body.ids');
    if (unstorable.length > 0) return sendProblem(reply, invalidRequest(unstorable));
    const labels = await cairn.labels(ids);
    return reply
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(toJson({ labels: Object.fromEntries(labels) }));
  });

  // JSON by default; SVG (or DOT, Mermaid) when `format` names it or the client accepts image/svg+xml.
  app.get('/v1/trace/:target', (request: Params<'target'>, reply: FastifyReply) => {
    const wantsSvg = (request.headers.accept ?? '').split(',').some((a) => a.trim().startsWith('image/svg+xml'));
    return read(
      ctx,
      request,
      reply,
      TraceQuery,
      async (q, asOf, moment) => {
        const maxNodes = q.maxNodes === undefined ? undefined : Number(q.maxNodes);
        if (maxNodes !== undefined && (maxNodes < 1 || maxNodes > MAX_TRACE_NODES))
          return E.left(invalidRequest([{ field: 'query.maxNodes', reason: `between 1 and ${MAX_TRACE_NODES} nodes, got ${maxNodes}` }]));
        return versionReadsAt(ctx, moment).trace(request.params.target, {
          ...(asOf === undefined ? {} : { asOf }),
          direction: q.direction ?? 'both',
          maxDepth: q.depth === undefined ? 8 : Number(q.depth),
          ...(maxNodes === undefined ? {} : { maxNodes }),
        });
      },
      traceRender((request.query as { format?: string }).format ?? (wantsSvg ? 'svg' : 'json')),
    );
  });
}
