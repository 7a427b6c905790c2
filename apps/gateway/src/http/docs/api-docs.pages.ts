import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const REDOC_PATH = '/redoc';
export const SWAGGER_UI_PATH = '/docs';
const BUNDLE_FILE = 'redoc.standalone.js';
// The bundle's one remote asset, the Redocly logo in its footer: an empty image instead, so the page loads nothing
// from another origin (the CSP would block it anyway, and report it).
const REMOTE_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_IMAGE = 'data:image/gif;base64,R0lGODlhAQABAAAAACwAAAAAAQABAAA=';

// Swagger UI (served by @nestjs/swagger) writes its page styles inline; its scripts are files from this origin.
export const SWAGGER_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// ReDoc keeps its styles in <style> elements it writes at run time (styled-components) and runs its search index in
// a blob: worker, so its page needs those two; scripts come from this origin only, and nothing is loaded from a CDN.
export const REDOC_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// No inline script or style: the bundle and the two-line start script are files of their own.
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Plans platform API (ReDoc)</title>
  </head>
  <body>
    <div id="redoc"></div>
    <script src="${REDOC_PATH}/${BUNDLE_FILE}"></script>
    <script src="${REDOC_PATH}/start.js"></script>
  </body>
</html>
`;
const START = `Redoc.init('/openapi.json', { hideDownloadButton: false }, document.getElementById('redoc'));\n`;

// The bundle from npm (redoc's standalone build): `npm run build` copies it next to the compiled gateway, and a
// source checkout reads it from node_modules.
export function findRedocBundle(): string {
  const built = join(__dirname, '..', '..', '..', 'assets', BUNDLE_FILE);
  return existsSync(built) ? built : require.resolve(`redoc/bundles/${BUNDLE_FILE}`);
}

// Serves ReDoc at /redoc from the same /openapi.json as Swagger UI, and gives each documentation page its own CSP.
export function registerApiDocsPages(fastify: FastifyInstance, bundlePath = findRedocBundle()): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.url === SWAGGER_UI_PATH || request.url.startsWith(`${SWAGGER_UI_PATH}/`)) reply.header('content-security-policy', SWAGGER_UI_CSP);
    done();
  });

  const bundle = Buffer.from(readFileSync(bundlePath, 'utf8').replaceAll(REMOTE_LOGO, EMPTY_IMAGE));
  const gzipped = gzipSync(bundle, { level: 9 });
  const security = (reply: FastifyReply): FastifyReply =>
    reply.header('content-security-policy', REDOC_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');

  fastify.get(REDOC_PATH, (_request, reply) => security(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(PAGE));
  fastify.get(`${REDOC_PATH}/start.js`, (_request, reply) => security(reply).header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(START));
  fastify.get(`${REDOC_PATH}/${BUNDLE_FILE}`, (request: FastifyRequest, reply) => {
    security(reply).header('cache-control', 'public, max-age=86400').header('vary', 'accept-encoding').type('text/javascript; charset=utf-8');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(gzipped);
    return reply.send(bundle);
  });
}
