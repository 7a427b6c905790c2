import { Injectable } from '@nestjs/common';
import { MetricsService, OutageLog, PrincipalCache } from '@app/common';
import { Principal } from '@app/contracts';

// Cache writes happen only after the transaction committed; a Redis failure never fails the request,
// it only means the gateway asks core next time (short TTL bounds any staleness).
@Injectable()
export class PrincipalCacheWriter {
  private readonly redisOutage: OutageLog;

  constructor(
    private readonly cache: PrincipalCache,
    metrics: MetricsService,
  ) {
    this.redisOutage = metrics.outage('redis');
  }

  async publish(principal: Principal): Promise<void> {
    try {
      await this.cache.write(principal);
      this.redisOutage.recovered();
    } catch (error) {
      this.redisOutage.failed('principal-cache', error);
    }
  }
}
