// Live updates as server-sent events: `position` when the projections reach a new head, and
// `version` for each dataset version a new build request or replacement cut. A client that
// reconnects with Last-Event-ID gets the current head at once, then what follows.
import type { FastifyInstance } from 'fastify';
import { toJsonLine } from '../json.js';
import type { ServerContext } from '../context.js';
import type { LiveEvent } from '../follower.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

const frame = (event: LiveEvent): string => {
  const { kind, ...data } = event;
  return `id: ${event.position}\nevent: ${kind}\ndata: ${toJsonLine(data)}\n\n`;
};

export function registerLive(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/live', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const head = ctx.follower.caughtUpTo();
    res.write(`retry: 2000\n\n`);
    if (head !== null) res.write(frame({ kind: 'position', position: head }));
    const unsubscribe = ctx.follower.subscribe((event) => res.write(frame(event)));
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const end = () => {
      clearInterval(keepalive);
      unsubscribe();
    };
    request.raw.on('close', end);
    ctx.closing.add(() => {
      end();
      res.end();
    });
  });
}
