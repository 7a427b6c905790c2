import { randomUUID } from 'node:crypto';
import Fastify, { FastifyInstance, FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { RATE_LIMIT_LUA } from '../apps/gateway/src/rate-limit/rate-limiter';

// What every hand-written floor starts from: the gateway's Redis client options (libs/common createRedis: every
// command bounded, no offline queue) with its rate-limit script, and a bare Fastify app that echoes a sane
// X-Request-Id like the gateway.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function connectFloorRedis(url: string, connectionName: string): Promise<Redis> {
  const redis = new Redis(url, { connectionName, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1000 });
  redis.defineCommand('rateLimit', { numberOfKeys: 1, lua: RATE_LIMIT_LUA });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
  return redis;
}

export function createFloorApp(): FastifyInstance {
  const app = Fastify({
    logger: false,
    requestIdHeader: false,
    genReqId: (request) => {
      const candidate = request.headers['x-request-id'];
      return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
    },
  });
  app.get('/health/ready', async () => ({ status: 'ok' }));
  return app;
}

// The error envelope, code only: the harness never compares error bodies.
export function fail(reply: FastifyReply, status: number, code: string): FastifyReply {
  return reply.code(status).send({ data: null, error: { code } });
}
