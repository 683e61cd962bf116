// The Lineage Explorer's static files at `/` (@cairn/explorer builds them). The page reads only
// the API, so it is served with a policy that lets it load nothing but this origin. Hashed assets
// never change (immutable); index.html is revalidated so a rebuilt page is picked up.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { explorerBuilt, explorerRoot } from '@cairn/explorer';

const POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Cairn</title>
<p>The Lineage Explorer is not built: run <code>npm run build</code>. The API is at <a href="/openapi.json">/openapi.json</a>.</p></html>`;

export async function registerExplorer(app: FastifyInstance): Promise<void> {
  if (!explorerBuilt()) {
    app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: explorerRoot,
    prefix: '/',
    // One route per file found at start (no wildcard): an unknown path stays the API's 404.
    wildcard: false,
    index: ['index.html'],
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader('content-security-policy', POLICY);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
