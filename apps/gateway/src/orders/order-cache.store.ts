import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { MetricsService, OutageLog, REDIS } from '@app/common';
import { encodeCachedOrder, orderCacheKey } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { idempotencyKey, IdempotencyRecord } from './idempotency.store';

export interface AcceptedOrder {
  id: string;
  ownerId: string;
  viewJson: string; // the `accepted` view, as the 202 shows it
}

// The gateway's writes after a confirmed publish, in one round trip: each order as `accepted` only if absent
// (core's `stored` may already be there and must stay), and the Idempotency-Key's answer. Never before the
// confirm, so a failed publish leaves nothing behind. A Redis failure here does not undo a durable order: the
// 202 still goes out, and reads fall back to core.
@Injectable()
export class OrderCacheStore {
  private readonly redisOutage: OutageLog;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    metrics: MetricsService,
  ) {
    this.redisOutage = metrics.outage('redis');
  }

  async accepted(orders: AcceptedOrder[], answer?: { userId: string; key: string; record: IdempotencyRecord }): Promise<void> {
    if (orders.length === 1 && !answer) return this.acceptedOne(orders[0]);
    const pipeline = this.redis.pipeline();
    for (const order of orders) pipeline.set(orderCacheKey(order.id), encodeCachedOrder(order.ownerId, order.viewJson), 'PX', this.config.ORDER_CACHE_TTL, 'NX');
    if (answer) pipeline.set(idempotencyKey(answer.userId, answer.key), JSON.stringify(answer.record), 'PX', this.config.IDEMPOTENCY_KEY_TTL);
    try {
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([error]) => error)?.[0];
      if (failure) this.redisOutage.failed('order-cache', failure);
      else this.redisOutage.recovered();
    } catch (error) {
      this.redisOutage.failed('order-cache', error);
    }
  }

  // The common case (one order, no key) without a pipeline: one command, less to allocate on the busiest write.
  private async acceptedOne(order: AcceptedOrder): Promise<void> {
    try {
      await this.redis.set(orderCacheKey(order.id), encodeCachedOrder(order.ownerId, order.viewJson), 'PX', this.config.ORDER_CACHE_TTL, 'NX');
      this.redisOutage.recovered();
    } catch (error) {
      this.redisOutage.failed('order-cache', error);
    }
  }
}
