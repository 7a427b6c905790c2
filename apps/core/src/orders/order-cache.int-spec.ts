import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { MetricsService } from '@app/common';
import { decodeCachedOrder, orderCacheKey } from '@app/contracts';
import { TEST_ENV } from '../../../../test/support/test-env';
import { GatewayConfig } from '../../../gateway/src/config/gateway.config';
import { OrderCacheStore } from '../../../gateway/src/orders/order-cache.store';
import { CoreConfig } from '../config/core.config';
import { OrderCacheWriter } from './order-cache.writer';

// The two writers of an order's cache entry, the gateway's (after the confirm) and core's (after the commit),
// against a real Redis, in both orders they can land in.
describe('order cache writes (Redis)', () => {
  let redis: Redis;
  let gateway: OrderCacheStore;
  let core: OrderCacheWriter;

  beforeAll(() => {
    redis = new Redis(TEST_ENV.REDIS_URL);
    gateway = new OrderCacheStore(redis, { ORDER_CACHE_TTL: 60_000, IDEMPOTENCY_KEY_TTL: 86_400_000 } as GatewayConfig, new MetricsService());
    core = new OrderCacheWriter(redis, { ORDER_CACHE_TTL: 60_000 } as CoreConfig, new MetricsService());
  });
  afterAll(() => redis.quit());

  const entry = (id: string) => ({ id, ownerId: randomUUID() });
  const view = (id: string, status: string) => JSON.stringify({ id, status });
  const cachedStatus = async (id: string) => JSON.parse(decodeCachedOrder((await redis.get(orderCacheKey(id)))!)!.body).status;

  it('should end as stored when the gateway writes accepted and core then writes stored', async () => {
    const { id, ownerId } = entry(randomUUID());

    await gateway.accepted([{ id, ownerId, viewJson: view(id, 'accepted') }]);
    await core.stored([{ id, ownerId, viewJson: view(id, 'stored') }]);

    expect(await cachedStatus(id)).toBe('stored');
  });

  it('should stay stored when core writes first and the gateway’s accepted lands late', async () => {
    const { id, ownerId } = entry(randomUUID());

    await core.stored([{ id, ownerId, viewJson: view(id, 'stored') }]);
    await gateway.accepted([{ id, ownerId, viewJson: view(id, 'accepted') }]);

    expect(await cachedStatus(id)).toBe('stored');
    expect(decodeCachedOrder((await redis.get(orderCacheKey(id)))!)!.ownerId).toBe(ownerId);
    expect(await redis.pttl(orderCacheKey(id))).toBeGreaterThan(50_000);
  });

  it('should drop the entry of an order a batch found already stored, so the next read loads the row', async () => {
    const { id, ownerId } = entry(randomUUID());
    await gateway.accepted([{ id, ownerId, viewJson: view(id, 'accepted') }]);

    await core.stored([], [id]);

    expect(await redis.exists(orderCacheKey(id))).toBe(0);
  });
});
