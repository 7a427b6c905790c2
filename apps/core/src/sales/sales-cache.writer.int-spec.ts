import Redis from 'ioredis';
import { MetricsService } from '@app/common';
import { SALES_CACHE_KEY, SALES_CACHE_TTL_SECONDS } from '@app/contracts';
import { SalesViewSnapshot } from '@app/persistence';
import { TEST_ENV } from '../../../../test/support/test-env';
import { SalesCacheWriter } from './sales-cache.writer';

const snapshot = (version: string, amount: string): SalesViewSnapshot => ({
  version,
  today: '2026-12-06',
  rows: [{ saleDate: '2026-12-06', totalRevenue: amount, orderCount: '2' }],
});

describe('SalesCacheWriter (Redis)', () => {
  let redis: Redis;
  let sut: SalesCacheWriter;

  beforeAll(() => {
    redis = new Redis(TEST_ENV.REDIS_URL);
    sut = new SalesCacheWriter(redis, new MetricsService());
  });
  beforeEach(() => redis.del(SALES_CACHE_KEY));
  afterAll(async () => {
    await redis.del(SALES_CACHE_KEY);
    redis.disconnect();
  });

  it('should store the rows as JSON numbers under the version, with the TTL, when the key is empty', async () => {
    await sut.write(snapshot('1764583201250000', '1234567.89'));

    expect(await redis.hgetall(SALES_CACHE_KEY)).toEqual({ v: '1764583201250000', rows: '[{"sale_date":"2026-12-06","total_revenue":1234567.89,"order_count":2}]' });
    expect(await redis.ttl(SALES_CACHE_KEY)).toBeGreaterThan(SALES_CACHE_TTL_SECONDS - 5);
  });

  it('should keep the newer rows when a fill of an older refresh writes after them', async () => {
    await sut.write(snapshot('1764583201250002', '3.00'));
    await sut.write(snapshot('1764583201250001', '1.00'));

    expect(await redis.hmget(SALES_CACHE_KEY, 'v', 'rows')).toEqual(['1764583201250002', expect.stringContaining('"total_revenue":3')]);
  });

  it('should renew the TTL without rewriting when the same refresh is written again', async () => {
    await sut.write(snapshot('1764583201250002', '3.00'));
    await redis.expire(SALES_CACHE_KEY, 10);
    await redis.hset(SALES_CACHE_KEY, 'rows', 'marker');

    await sut.write(snapshot('1764583201250002', '3.00'));

    expect(await redis.hget(SALES_CACHE_KEY, 'rows')).toBe('marker');
    expect(await redis.ttl(SALES_CACHE_KEY)).toBeGreaterThan(10);
  });

  it('should remove the entry when fencing, so a lost write after the commit leaves a miss, not the old rows', async () => {
    await sut.write(snapshot('1764583201250002', '3.00'));

    await sut.fence();

    expect(await redis.exists(SALES_CACHE_KEY)).toBe(0);
  });
});
