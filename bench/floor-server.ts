import { createPublicKey, KeyObject, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { jwtVerify } from 'jose';
import { decide, queueRateLimit, RATE_LIMIT_LUA } from '../apps/gateway/src/rate-limit/rate-limiter';

// The gateway's own script and header arithmetic (a module with no Nest imports), so the floor cannot drift
// from what it measures against. The audience is copied: @app/contracts would load Nest and Swagger.
const AUDIENCE = 'plans-platform-api';
const ROLES = ['admin', 'user', 'readonly'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/i;
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface FloorServerOptions {
  port: number;
  redisUrl: string;
  publicKeyPem: string;
  issuer: string;
  // The gateway's RATE_LIMIT_USER_PER_HOUR; only changes the headers and when 429 starts.
  userLimitPerHour?: number;
}

export interface FloorServer {
  url: string;
  close(): Promise<void>;
}

interface CachedPrincipal {
  user: object;
  version: number;
  deleted: boolean;
}

// The least a server can do to answer GET /users/me the way the gateway does on a cache hit: one RS256 check,
// one Redis round trip (rate-limit script + cached principal), the same headers and body. No Nest, no logging.
export async function startFloorServer(options: FloorServerOptions): Promise<FloorServer> {
  const limit = options.userLimitPerHour ?? 1000;
  const publicKey: KeyObject = createPublicKey(options.publicKeyPem);
  const redis = new Redis(options.redisUrl, { connectionName: 'bench-floor', enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.defineCommand('rateLimit', { numberOfKeys: 1, lua: RATE_LIMIT_LUA });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });

  const app = Fastify({
    logger: false,
    requestIdHeader: false,
    genReqId: (request) => {
      const candidate = request.headers['x-request-id'];
      return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
    },
  });

  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.get('/api/v1/users/me', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    const match = BEARER.exec(request.headers.authorization?.trim() ?? '');
    if (!match) return fail(reply, 401, 'INVALID_TOKEN');

    let sub: string;
    try {
      const { payload } = await jwtVerify(match[1], publicKey, {
        algorithms: ['RS256'],
        issuer: options.issuer,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub) || !ROLES.includes(payload.role as string)) throw new Error('claims');
      sub = payload.sub;
    } catch {
      return fail(reply, 401, 'INVALID_TOKEN');
    }

    // queueRateLimit adds the `rl:` prefix and the one-hour window: key `rl:user:<sub>`, as in the gateway.
    const results = await queueRateLimit(redis.pipeline(), `user:${sub}`).get(`principal:${sub}`).exec();
    const [[limitError, counter], [getError, raw]] = results as [[Error | null, [number, number]], [Error | null, string | null]];
    if (limitError || getError) return fail(reply, 503, 'CACHE_UNAVAILABLE');

    const decision = decide(limit, counter[0], counter[1], Date.now());
    reply.header('X-RateLimit-Limit', decision.limit);
    reply.header('X-RateLimit-Remaining', decision.remaining);
    reply.header('X-RateLimit-Reset', decision.resetEpochSeconds);
    if (!decision.allowed) {
      reply.header('Retry-After', decision.retryAfterSeconds);
      return fail(reply, 429, 'RATE_LIMITED');
    }

    // The floor has no core to ask: a miss is an error here, so a benchmark that loses the cache fails loudly.
    if (!raw) return fail(reply, 503, 'PRINCIPAL_NOT_CACHED');
    const principal = JSON.parse(raw) as CachedPrincipal;
    if (principal.deleted) return fail(reply, 401, 'INVALID_TOKEN');
    reply.header('X-Cache', 'HIT');
    return principal.user;
  });

  await app.listen({ port: options.port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: async () => {
      await app.close();
      redis.disconnect();
    },
  };
}

function fail(reply: FastifyReply, status: number, code: string) {
  return reply.code(status).send({ data: null, error: { code } });
}

// Run as its own process by the harness, so the floor does not share an event loop with autocannon.
if (require.main === module) {
  const env = process.env;
  const keyFile = env.JWT_KEY_PEM_FILE;
  if (!keyFile) throw new Error('JWT_KEY_PEM_FILE is required');
  startFloorServer({
    port: Number(env.PORT ?? 3102),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    // A private key PEM yields its public key, which is what the gateway verifies with.
    publicKeyPem: createPublicKey(readFileSync(keyFile, 'utf8')).export({ type: 'spki', format: 'pem' }).toString(),
    issuer: env.JWT_ISSUER ?? 'plans-platform',
    userLimitPerHour: env.RATE_LIMIT_USER_PER_HOUR ? Number(env.RATE_LIMIT_USER_PER_HOUR) : undefined,
  }).then(
    (server) => {
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`floor server failed to start: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
