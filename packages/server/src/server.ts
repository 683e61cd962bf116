// The HTTP server over one open store. Fastify, for its speed and its body limit, content-type
// parsing and error statuses; requests are decoded with the io-ts codecs (codecs.ts) rather than
// its JSON-schema validation, so a refusal carries the same field path the codecs give everywhere.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import { openRequestNonces, type Cairn } from '@cairn/client';
import type { ServerContext } from './context.js';
import { DEFAULT_FAILURE_BUDGET, type FailureBudget } from './failure-limit.js';
import { startFollower } from './follower.js';
import { metadataAccessFor } from './auth/metadata-access.js';
import { liveTickets } from './auth/live-tickets.js';
import { pinnedAnswers } from './pinned-answers.js';
import { registerSignatures, type MetadataAccess } from './auth/register-signatures.js';
import { openApiDocument } from './openapi.js';
import { frameworkProblem, invalidRequest, notFound, problem, writeClientErrorProblem } from './problem.js';
import { loneSurrogates, unreadableParameters, utf8Text } from './decode.js';
import { sendProblem } from './respond.js';
import { registerExplorer } from './routes/explorer.js';
import { registerLive } from './routes/live.js';
import { registerContent } from './routes/content.js';
import { registerReads } from './routes/reads.js';
import { registerStoreReads } from './routes/store-reads.js';
import { registerTreeHeads } from './routes/tree-heads.js';
import { registerWrites } from './routes/writes.js';
import { registerRoles } from './routes/roles.js';
import { registerRuns } from './routes/runs.js';
import { registerLog } from './routes/log.js';
import { registerContributors } from './routes/contributors.js';
import { registerAttestation } from './routes/attestation.js';
import { registerRunQueries } from './routes/run-queries.js';
import { toJson } from './json.js';

export interface ServerOptions {
  /** The open store (openCairn); the server does not close it. */
  readonly cairn: Cairn;
  /** How often the projections are caught up with the log when no write asks (default 1000 ms). */
  readonly catchUpIntervalMs?: number;
  /** The largest request body accepted, in bytes (default 16 MiB: a batch with its sample bytes). */
  readonly bodyLimit?: number;
  /** The largest gradient artifact one upload may carry, in bytes (default MAX_ARTIFACT_BYTES, 256 MiB). */
  readonly artifactLimit?: number;
  /** How many invalid signatures a client may send before it is refused for a while (failure-limit.ts). */
  readonly invalidSignatures?: FailureBudget;
  /**
   * Whether lineage metadata is readable without a signed request. Default: public when the
   * server listens on a loopback address, private otherwise (auth/metadata-access.ts says why).
   * Sample bytes always need a signed request from their author or a reader.
   */
  readonly metadata?: MetadataAccess;
  /** How far a signed request's `created` may be from the server's clock, in seconds (default 300). */
  readonly signatureWindowSeconds?: number;
  /** Nonces of signed requests remembered at most (default 100 000; auth/nonce-store.ts). */
  readonly nonceCapacity?: number;
  /** How long a live-stream ticket stays good, in seconds (default 60; auth/live-tickets.ts). */
  readonly liveTicketSeconds?: number;
  /** Memory for answers pinned to a position, sent again as they were (default 32 MiB; 0: none). */
  readonly pinnedAnswerBytes?: number;
  /**
   * Whether spent nonces are kept in the store's own table (default true): a signed request
   * replayed after a restart, or to another server process over the same store, is refused.
   */
  readonly persistNonces?: boolean;
  /** Where background failures are told (default: stderr). */
  readonly onError?: (message: string) => void;
}

export interface CairnServer {
  readonly app: FastifyInstance;
  /** Listens; answers the URL it is reachable at (port 0 picks a free port). */
  listen(port: number, host: string): Promise<string>;
  /** Whether lineage metadata is open (settled by `listen` when not given; public before it). */
  metadataAccess(): MetadataAccess;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

// A JSON escape of a UTF-16 surrogate code unit (D800–DFFF), in either case. An escaped backslash
// before such letters (`\\ud800`, no surrogate) matches too: it costs only a walk that finds nothing.
const SURROGATE_ESCAPE = /\\u[dD][89abcdefABCDEF]/;

export async function createServer(options: ServerOptions): Promise<E.Either<{ readonly message: string }, CairnServer>> {
  const onError = options.onError ?? ((message: string) => process.stderr.write(`cairn serve: ${message}\n`));
  const follower = startFollower(options.cairn, options.catchUpIntervalMs ?? 1000, onError);
  const first = await follower.catchUp();
  if (E.isLeft(first)) {
    await follower.stop();
    return E.left(first.left);
  }
  const nonceTable = options.persistNonces === false ? undefined : await openRequestNonces(options.cairn);
  if (nonceTable !== undefined && E.isLeft(nonceTable)) {
    await follower.stop();
    return E.left(nonceTable.left);
  }
  const ctx: ServerContext = { cairn: options.cairn, follower, closing: new Set(), pinned: pinnedAnswers(options.pinnedAnswerBytes) };
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: false,
    return503OnClosing: true,
    // The longest parameter a route names is a version reference, a 64-character dataset name, '@'
    // and a 64-hex version id (129); the router's default of 100 would refuse valid references.
    // (Given as a router option: at the top level Fastify 5 prints a deprecation warning at start.)
    routerOptions: { maxParamLength: 256 },
    // What the router refuses before any route runs (a path escape that is not UTF-8, a path
    // parameter past its length) and what Node's parser refuses before Fastify sees a request
    // (a head too large, a NUL in a header) are problem documents like every other refusal.
    frameworkErrors: (error, _request, reply) => sendProblem(reply, frameworkProblem(error)),
    clientErrorHandler: (error, socket) => writeClientErrorProblem(error, socket),
  });
  // A parameter the store cannot hold as text is refused for every route at once, before the
  // route (or a signature check) reads it: the routes need not each remember to.
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.raw.url ?? '';
    const q = url.indexOf('?');
    const problems = unreadableParameters(request.params, request.query, q < 0 ? undefined : url.slice(q + 1));
    if (problems.length === 0) return done();
    sendProblem(reply, invalidRequest(problems));
  });

  // The API speaks JSON only: a text body is refused as an unsupported media type (415).
  app.removeContentTypeParser('text/plain');
  // JSON bodies are read as bytes and refused when they are not UTF-8 (utf8Text says why), then
  // parsed as Fastify parses them (prototype poisoning refused).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Well-formed UTF-8 holds no surrogate, so only a JSON escape (\ud800) can put one in a parsed
  // body; a body whose text spells none (the SDK writes non-ASCII as itself) is not walked.
  const spellsSurrogates = new WeakSet<object>();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = utf8Text(body as Buffer);
    if (text === undefined) return done(Object.assign(new Error('is not well-formed UTF-8'), { statusCode: 400 }), undefined);
    if (SURROGATE_ESCAPE.test(text)) spellsSurrogates.add(request);
    parseJson(request, text, done);
  });
  // Text in a body that has no UTF-8 form is refused for every route at once, naming where it is.
  app.addHook('preValidation', (request, reply, done) => {
    if (!spellsSurrogates.has(request)) return done();
    const problems = loneSurrogates(request.body, 'body');
    if (problems.length === 0) return done();
    sendProblem(reply, invalidRequest(problems));
  });
  // Fastify's own refusals (bad JSON, body too large, wrong content type) become problem documents
  // with their 4xx status; anything else is a 500 that tells nothing of the server's insides.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return sendProblem(
        reply,
        problem(status, 'invalid-request', 'The request is not valid', error.message, { field: 'body', reason: error.message }),
      );
    onError(`internal error: ${error.message}`);
    return sendProblem(reply, problem(500, 'internal', 'Internal error', 'the server failed to answer; the failure is logged'));
  });
  // Handlers in flight, for close to wait for: Fastify's own close waits for connections, and a
  // client that gave up has none left while its handler still reads the store the caller is about
  // to close.
  const inFlight = new Set<Promise<unknown>>();
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      const result: unknown = handler.call(this, request, reply);
      // A handler that answers at once returns no promise, and is handed back as it is: Fastify
      // reads a promise's value as the body.
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        const settled = Promise.resolve(result).then(
          () => undefined,
          () => undefined,
        );
        inFlight.add(settled);
        void settled.then(() => inFlight.delete(settled));
      }
      return result;
    };
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, notFound(`no endpoint ${request.method} ${request.url.split('?')[0]}`)));
  app.addHook('preClose', async () => {
    for (const end of ctx.closing) end();
  });

  let metadata = options.metadata;
  const metadataAccess = (): MetadataAccess => metadata ?? 'public';
  registerSignatures(app, {
    cairn: options.cairn,
    metadata: metadataAccess,
    invalidSignatures: options.invalidSignatures ?? DEFAULT_FAILURE_BUDGET,
    ...(options.signatureWindowSeconds === undefined ? {} : { windowSeconds: options.signatureWindowSeconds }),
    ...(options.nonceCapacity === undefined ? {} : { nonceCapacity: options.nonceCapacity }),
    ...(nonceTable === undefined ? {} : { nonceTable: nonceTable.right }),
  });
  registerReads(app, ctx);
  registerContent(app, ctx);
  registerStoreReads(app, ctx);
  registerTreeHeads(app, ctx);
  registerLog(app, ctx);
  registerWrites(app, ctx, options.invalidSignatures ?? DEFAULT_FAILURE_BUDGET);
  registerRoles(app, ctx);
  await registerRuns(app, ctx, options.artifactLimit === undefined ? {} : { artifactLimit: options.artifactLimit });
  registerLive(app, ctx, { tickets: liveTickets(options.liveTicketSeconds), metadata: metadataAccess });
  registerContributors(app, ctx);
  registerAttestation(app, ctx);
  registerRunQueries(app, ctx);
  await registerExplorer(app);
  const documents = new Map<MetadataAccess, string>();
  app.get('/openapi.json', (_request, reply) => {
    const access = metadataAccess();
    let document = documents.get(access);
    if (document === undefined) documents.set(access, (document = toJson(openApiDocument({ metadata: access }))));
    return reply.type('application/json').header('cache-control', 'no-cache').send(document);
  });

  return E.right({
    app,
    metadataAccess,
    listen: async (port, host) => {
      metadata ??= metadataAccessFor(host);
      await app.listen({ port, host });
      const address = app.server.address();
      const at = typeof address === 'object' && address !== null ? address : { address: host, port };
      const shownHost = at.address.includes(':') ? `[${at.address}]` : at.address;
      return `http://${shownHost}:${at.port}`;
    },
    close: async () => {
      await follower.stop();
      await app.close();
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  });
}
