import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_PATH = '/admin';
// The console's client-side paths: each serves the page, which then shows that view. Anything else under /admin
// is a 404 like any unknown path.
export const CONSOLE_VIEWS = ['overview', 'sales', 'provider', 'dead-letters', 'search', 'users', 'audit'] as const;

// No inline script or style at all: the build emits files only, and styles set from script go through the CSSOM.
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// `npm run build` writes the console (Vite) to dist/console, beside the compiled apps.
export function findConsoleBuild(): string {
  return join(__dirname, '..', '..', '..', '..', '..', 'console');
}

// The operator console at /admin, as a plugin of its own: its CSP and caching apply to it alone. Hashed assets are
// cached for a year (a new build has new names); the page itself is revalidated every time.
export function registerConsole(fastify: FastifyInstance, root = findConsoleBuild()): boolean {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const page = readFileSync(indexFile);
  void fastify.register(
    async (scope) => {
      scope.addHook('onRequest', (_request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        reply.header('content-security-policy', CONSOLE_CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
        done();
      });
      // Loaded here, not at the top: it pulls in an ES module (content-disposition 3) that Node 24 requires natively
      // but the unit tier's jest cannot, and no unit spec serves the console.
      const { default: fastifyStatic } = await import('@fastify/static');
      await scope.register(fastifyStatic, {
        root: join(root, 'assets'),
        prefix: '/assets/',
        decorateReply: false,
        index: false,
        immutable: true,
        maxAge: '365d',
        cacheControl: true,
      });
      const sendPage = (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
      scope.get('/', sendPage);
      for (const view of CONSOLE_VIEWS) scope.get(`/${view}`, sendPage);
    },
    { prefix: CONSOLE_PATH },
  );
  return true;
}
