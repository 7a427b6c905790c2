import { createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verify as verifyJwt } from 'jsonwebtoken';
import { DomainError, statusForCode } from '@app/common';
import type { Actor } from '@app/contracts';
import { noneMatch, parseEntityTags } from '../apps/gateway/src/plans/entity-tags.util';
import { decide, queueRateLimit } from '../apps/gateway/src/rate-limit/rate-limiter';
import { PLAN_CACHE_FIELDS, planCacheKey } from '../libs/contracts/src/plans/plan-cache';
import { connectFloorRedis, createFloorApp, fail } from './floor-app.util';
import type { CachedPrincipal, FloorReadAccess } from './floor-access.types';
import { registerContentReads } from './floor-content';
import { FloorWriteOptions, FloorWrites, registerPlanWrites } from './floor-plan-writes';

// The gateway's own script, header arithmetic, entity-tag parsing and plan cache layout (files with no imports
// of their own), so the floor cannot drift from what it measures against. The plan writes (floor-plan-writes.ts)
// reuse core's classes, which load @app/common and @app/contracts (and with them Nest's modules): loaded, never
// run, so they cost the floor memory, not time per request.
const AUDIENCE = 'plans-platform-api';
const PLAN_ID = /^[A-Za-z0-9._-]{1,128}$/; // PLAN_ID_PATTERN
const JSON_TYPE = 'application/json; charset=utf-8';
const ROLES = ['admin', 'user', 'readonly'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/i;

export interface FloorServerOptions {
  port: number;
  redisUrl: string;
  publicKeyPem: string;
  issuer: string;
  // The gateway's RATE_LIMIT_USER_PER_HOUR; only changes the headers and when 429 starts.
  userLimitPerHour?: number;
  // POST, PUT and PATCH /api/v1/plans when set (Postgres and RabbitMQ); reads only otherwise.
  writes?: FloorWriteOptions;
}

export interface FloorServer {
  url: string;
  close(): Promise<void>;
}

// The least a server can do to answer GET /users/me, GET /plans/:id and the content reads (floor-content.ts) the
// way the gateway does on a cache hit: one RS256 check, one Redis round trip (rate-limit script + cached principal
// [+ the route's read]), the same headers and body. No Nest, no logging. With `writes`, also the plan writes
// (floor-plan-writes.ts) behind the same check.
export async function startFloorServer(options: FloorServerOptions): Promise<FloorServer> {
  const limit = options.userLimitPerHour ?? 1000;
  const publicKey: KeyObject = createPublicKey(options.publicKeyPem);
  const redis = await connectFloorRedis(options.redisUrl, 'bench-floor');

  const app = createFloorApp();

  // The gateway's AccessGuard on a cache hit: one RS256 check and one Redis round trip (rate-limit script,
  // cached principal and, for routes that prefetch, their read). Sends the error itself and returns null on refusal.
  const access: FloorReadAccess = async (request, reply, prefetch) => {
    reply.header('X-Request-Id', request.id);
    const match = BEARER.exec(request.headers.authorization?.trim() ?? '');
    if (!match) return refuse(reply, 401, 'INVALID_TOKEN');

    let sub: string;
    try {
      // The same library and options as the gateway's JwtVerifier (RS256 only, issuer, audience, expiry).
      const payload = verifyJwt(match[1], publicKey, { algorithms: ['RS256'], issuer: options.issuer, audience: AUDIENCE }) as Record<string, unknown>;
      const { sub: subject, role, exp, iat } = payload;
      if (typeof subject !== 'string' || !UUID.test(subject) || !ROLES.includes(role as string) || typeof exp !== 'number' || typeof iat !== 'number') {
        throw new Error('claims');
      }
      sub = subject;
    } catch {
      return refuse(reply, 401, 'INVALID_TOKEN');
    }

    // queueRateLimit adds the `rl:` prefix and the one-hour window: key `rl:user:<sub>`, as in the gateway.
    const pipeline = queueRateLimit(redis.pipeline(), `user:${sub}`).get(`principal:${sub}`);
    prefetch?.(pipeline);
    const results = await pipeline.exec();
    const [[limitError, counter], [getError, raw], read] = results as [
      [Error | null, [number, number]],
      [Error | null, string | null],
      [Error | null, Array<string | null> | null] | undefined,
    ];
    if (limitError || getError || read?.[0]) return refuse(reply, 503, 'CACHE_UNAVAILABLE');

    const decision = decide(limit, counter[0], counter[1], Date.now());
    reply.header('X-RateLimit-Limit', decision.limit);
    reply.header('X-RateLimit-Remaining', decision.remaining);
    reply.header('X-RateLimit-Reset', decision.resetEpochSeconds);
    if (!decision.allowed) {
      reply.header('Retry-After', decision.retryAfterSeconds);
      return refuse(reply, 429, 'RATE_LIMITED');
    }

    // The floor has no core to ask: a miss is an error here, so a benchmark that loses the cache fails loudly.
    if (!raw) return refuse(reply, 503, 'PRINCIPAL_NOT_CACHED');
    const principal = JSON.parse(raw) as CachedPrincipal;
    if (principal.deleted) return refuse(reply, 401, 'INVALID_TOKEN');
    return { principal, prefetched: read?.[1] ?? undefined };
  };

  // The guard's authorize() for a write route, then the actor core is given.
  async function writer(request: FastifyRequest, reply: FastifyReply): Promise<Actor | null> {
    const granted = await access(request, reply);
    if (!granted) return null;
    const { id, role } = granted.principal.user;
    if (role === 'readonly') return refuse(reply, 403, 'FORBIDDEN');
    return { id, role };
  }

  // Domain errors get the gateway's status for their code; Fastify's own (415, bad JSON) keep theirs.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (error instanceof DomainError) return fail(reply, statusForCode(error.code), error.code);
    return fail(reply, error.statusCode ?? 500, error.code ?? 'INTERNAL');
  });

  app.get('/api/v1/users/me', async (request, reply) => {
    const granted = await access(request, reply);
    if (!granted) return reply;
    reply.header('X-Cache', 'HIT');
    return granted.principal.user;
  });

  // The gateway's cache-hit answer for a plan: the hash core wrote, sent as is (200), or 304 when If-None-Match
  // matches (weak comparison). A missing hash is an error here for the same reason as a missing principal.
  app.get<{ Params: { id: string } }>('/api/v1/plans/:id', async (request, reply) => {
    const granted = await access(request, reply, (pipeline) => pipeline.hmget(planCacheKey(request.params.id), ...PLAN_CACHE_FIELDS));
    if (!granted) return reply;
    if (!PLAN_ID.test(request.params.id)) return fail(reply, 400, 'VALIDATION_ERROR');
    const ifNoneMatch = parseEntityTags(request.headers['if-none-match']);
    const [version, etag, modified, body, deleted] = granted.prefetched ?? [];
    if (!version) return fail(reply, 503, 'PLAN_NOT_CACHED');
    reply.header('X-Cache', 'HIT');
    if (deleted === '1') return fail(reply, 404, 'NOT_FOUND');
    reply.header('ETag', etag).header('Last-Modified', modified).header('Cache-Control', 'private, no-cache');
    if (!noneMatch(ifNoneMatch, etag!)) return reply.code(304).send();
    return reply.code(200).header('Content-Type', JSON_TYPE).send(body);
  });

  registerContentReads(app, redis, access);
  const writes: FloorWrites | undefined = options.writes ? await registerPlanWrites(app, redis, writer, options.writes) : undefined;
  await app.listen({ port: options.port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: async () => {
      await app.close();
      await writes?.close();
      redis.disconnect();
    },
  };
}

// access() answers refusals itself and returns null, so the route knows the reply is already sent.
function refuse(reply: FastifyReply, status: number, code: string): null {
  fail(reply, status, code);
  return null;
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
    writes:
      env.DATABASE_URL && env.RABBITMQ_URL
        ? {
            databaseUrl: env.DATABASE_URL,
            rabbitmqUrl: env.RABBITMQ_URL,
            exchange: env.FLOOR_EXCHANGE ?? 'bench.floor.events',
            queue: env.FLOOR_QUEUE ?? 'bench.floor.events',
          }
        : undefined,
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
