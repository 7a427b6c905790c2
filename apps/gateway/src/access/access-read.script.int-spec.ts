import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { principalKey } from '@app/common';
import { CONTENT_READ_COMMANDS } from '@app/contracts';
import { TEST_ENV } from '../../../../test/support/test-env';
import { RATE_LIMIT_WINDOW_MS } from '../rate-limit/rate-limiter';
import { AccessReader } from './access-read.script';

const request = (params: Record<string, string> = {}) => ({ params, query: {} }) as unknown as FastifyRequest;

describe('AccessReader (Redis)', () => {
  let redis: Redis;
  let sut: AccessReader;
  let userId: string;
  const keys: string[] = [];

  beforeAll(() => {
    redis = new Redis(TEST_ENV.REDIS_URL);
    sut = new AccessReader(redis);
  });

  beforeEach(() => {
    userId = randomUUID();
    keys.push(`rl:user:${userId}`, principalKey(userId));
  });

  afterAll(async () => {
    await redis.del(...keys);
    redis.disconnect();
  });

  it('should count the request in the window and read the principal when nothing is prefetched', async () => {
    await redis.set(principalKey(userId), '{"version":3}');

    const [count, ttl, principal, prefetched] = await sut.read(request(), userId, undefined);
    const [again] = await sut.read(request(), userId, undefined);

    expect([count, again, principal, prefetched]).toEqual([1, 2, '{"version":3}', undefined]);
    expect(ttl).toBeGreaterThan(RATE_LIMIT_WINDOW_MS - 5000);
    expect(await redis.pttl(`rl:user:${userId}`)).toBeGreaterThan(RATE_LIMIT_WINDOW_MS - 5000);
  });

  it('should read a hash by its fields, nulls for a missing principal and missing fields, when the route prefetches a hash', async () => {
    const key = `int-test:hash:${userId}`;
    keys.push(key);
    await redis.hset(key, 'v', '7', 'b', 'body');

    const [, , principal, prefetched] = await sut.read(request({ id: userId }), userId, { key: (params) => `int-test:hash:${params.id}`, fields: ['v', 'e', 'b'] });

    expect([principal, prefetched]).toEqual([null, ['7', null, 'body']]);
  });

  it('should read a string, null when absent, when the route prefetches a key without fields', async () => {
    const key = `int-test:string:${userId}`;
    keys.push(key);
    const prefetch = { key: () => key };

    const [, , , missing] = await sut.read(request(), userId, prefetch);
    await redis.set(key, 'cached');
    const [, , , hit] = await sut.read(request(), userId, prefetch);

    expect([missing, hit]).toEqual([null, 'cached']);
  });

  it("should run a route's read script on its key and arguments, and prefetch nothing when the request is not one it reads", async () => {
    const generationKey = `int-test:gen:${userId}`;
    keys.push(generationKey, `int-test:list:42:page`);
    await redis.set(generationKey, '42');
    await redis.set('int-test:list:42:page', '{"data":[]}');
    const prefetch = {
      lua: CONTENT_READ_COMMANDS.list.lua,
      read: (req: FastifyRequest) => ((req.params as { id?: string }).id ? null : { key: generationKey, args: ['int-test:list:', 'page', '1'] }),
    };

    const [, , , page] = await sut.read(request(), userId, prefetch);
    const [, , , none] = await sut.read(request({ id: 'x' }), userId, prefetch);

    expect([page, none]).toEqual([['42', '{"data":[]}'], undefined]);
  });

  it('should send the script itself when Redis does not know its SHA (a restart forgot it)', async () => {
    await sut.read(request(), userId, undefined);
    // SCRIPT FLUSH would drop every other client's scripts on this shared server: the reply is what Redis sends then.
    const evalsha = jest.spyOn(redis, 'evalsha').mockRejectedValueOnce(new Error('NOSCRIPT No matching script. Please use EVAL.'));

    const [count] = await sut.read(request(), userId, undefined);

    expect(evalsha).toHaveBeenCalledTimes(1);
    expect(count).toBe(2);
  });
});
