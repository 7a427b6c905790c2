import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { MetricsService, OutageLog, REDIS } from '@app/common';
import { encodeCachedOrder, orderCacheKey } from '@app/contracts';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

export interface CachedOrder {
  id: string;
  ownerId: string;
  viewJson: string; // the `stored` view
}

// Core's side of the order cache (layout in @app/contracts order-cache): after a commit it overwrites the entry
// with `stored`, so the gateway's only-if-absent `accepted` write can never win over it, whichever lands first.
// Orders a batch found already stored (a redelivery) are dropped instead: the next read loads the row itself.
// Redis is only a cache: a failed write is logged and the batch goes on (readers then miss or bypass).
@Injectable()
export class OrderCacheWriter {
  private readonly redisOutage: OutageLog;
  private readonly ttlMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CORE_CONFIG) config: CoreConfig,
    metrics: MetricsService,
  ) {
    this.redisOutage = metrics.outage('redis');
    this.ttlMs = config.ORDER_CACHE_TTL;
  }

  async stored(orders: CachedOrder[], dropped: string[] = []): Promise<void> {
    if (orders.length === 0 && dropped.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const order of orders) pipeline.set(orderCacheKey(order.id), encodeCachedOrder(order.ownerId, order.viewJson), 'PX', this.ttlMs);
    if (dropped.length > 0) pipeline.del(...dropped.map(orderCacheKey));
    try {
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([error]) => error)?.[0];
      if (failure) this.redisOutage.failed('order-cache', failure);
      else this.redisOutage.recovered();
    } catch (error) {
      this.redisOutage.failed('order-cache', error);
    }
  }
}
