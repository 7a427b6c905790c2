import { Injectable, Logger } from '@nestjs/common';
import { DomainError, MetricsService, OutageLog, PrincipalCache } from '@app/common';
import { Principal } from '@app/contracts';

// Two steps around every change to a user (see README, "Revocation"):
// - fence(), inside the transaction before it commits: the cached principal is removed (and a pending marker left),
//   and a Redis that cannot be reached fails the change, so no change commits while the gateway could still
//   authorize from the old principal;
// - publish(), after the commit: the new principal, best effort; when it fails the gateway asks core.
@Injectable()
export class PrincipalCacheWriter {
  private readonly logger = new Logger(PrincipalCacheWriter.name);
  private readonly redisOutage: OutageLog;

  constructor(
    private readonly cache: PrincipalCache,
    metrics: MetricsService,
  ) {
    this.redisOutage = metrics.outage('redis');
  }

  async fence(userId: string, version: number): Promise<void> {
    try {
      const marked = await this.cache.fence(userId, version);
      if (!marked) this.logger.warn(`principal cache full: ${userId} removed without a pending marker`);
    } catch (error) {
      this.logger.error(`principal cache unreachable, change to ${userId} refused: ${(error as Error).message}`);
      throw new DomainError('SERVICE_UNAVAILABLE', 'The change could not be applied safely (cache unavailable); nothing was changed, retry');
    }
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
