import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { TEST_ENV } from '../../../../test/support/test-env';
import { queueRateLimit, RATE_LIMIT_LUA, RATE_LIMIT_WINDOW_MS } from './rate-limiter';

// Like the gateway: one client per replica, each with the script defined.
function replica(): Redis {
  const redis = new Redis(TEST_ENV.REDIS_URL);
  redis.defineCommand('rateLimit', { numberOfKeys: 1, lua: RATE_LIMIT_LUA });
  return redis;
}

async function hit(redis: Redis, key: string): Promise<{ count: number; ttlMs: number }> {
  const results = await queueRateLimit(redis.pipeline(), key).exec();
  const [error, reply] = results![0];
  if (error) throw error;
  const [count, ttlMs] = reply as [number, number];
  return { count, ttlMs };
}

describe('rate limit script (Redis)', () => {
  let first: Redis;
  let second: Redis;
  let key: string;

  beforeAll(() => {
    first = replica();
    second = replica();
  });

  beforeEach(() => {
    key = `int-test:${randomUUID()}`;
  });

  afterEach(async () => {
    await first.del(`rl:${key}`);
  });

  afterAll(async () => {
    await Promise.all([first.quit(), second.quit()]);
  });

  it('should count 1, 2, 3 when the same key is hit three times', async () => {
    const counts = [(await hit(first, key)).count, (await hit(first, key)).count, (await hit(first, key)).count];

    expect(counts).toEqual([1, 2, 3]);
  });

  it('should start a window close to one hour when the key is hit for the first time', async () => {
    const { ttlMs } = await hit(first, key);

    expect(ttlMs).toBeLessThanOrEqual(RATE_LIMIT_WINDOW_MS);
    expect(ttlMs).toBeGreaterThan(RATE_LIMIT_WINDOW_MS - 5_000);
    expect(await first.pttl(`rl:${key}`)).toBeGreaterThan(RATE_LIMIT_WINDOW_MS - 5_000);
  });

  it('should not restart the window when later hits arrive', async () => {
    await hit(first, key);
    await first.pexpire(`rl:${key}`, 10_000);

    const { count, ttlMs } = await hit(first, key);

    expect(count).toBe(2);
    expect(ttlMs).toBeLessThanOrEqual(10_000);
  });

  it('should restore the expiry when a counter has lost it', async () => {
    await first.set(`rl:${key}`, '7');

    const { count, ttlMs } = await hit(first, key);

    expect(count).toBe(8);
    expect(ttlMs).toBe(RATE_LIMIT_WINDOW_MS);
    expect(await first.pttl(`rl:${key}`)).toBeGreaterThan(0);
  });

  it('should share one count when two replicas hit the same key', async () => {
    const counts = [(await hit(first, key)).count, (await hit(second, key)).count, (await hit(first, key)).count, (await hit(second, key)).count];

    expect(counts).toEqual([1, 2, 3, 4]);
  });

  it('should keep counts apart when different keys are hit', async () => {
    const otherKey = `int-test:${randomUUID()}`;
    try {
      await hit(first, key);
      await hit(first, key);

      expect((await hit(second, otherKey)).count).toBe(1);
    } finally {
      await first.del(`rl:${otherKey}`);
    }
  });

  it('should hand out every count from 1 to 50 exactly once when 50 hits arrive concurrently', async () => {
    const hits = await Promise.all(Array.from({ length: 50 }, (_, i) => hit(i % 2 === 0 ? first : second, key)));

    const counts = hits.map((h) => h.count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(Number(await first.get(`rl:${key}`))).toBe(50);
  });
});
