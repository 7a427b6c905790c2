import { Injectable, Logger } from '@nestjs/common';
import { PrincipalCache } from '@app/common';
import { Principal } from '@app/contracts';

// Cache writes happen only after the transaction committed; a Redis failure never fails the request,
// it only means the gateway asks core next time (short TTL bounds any staleness).
@Injectable()
export class PrincipalCacheWriter {
  private readonly logger = new Logger(PrincipalCacheWriter.name);

  constructor(private readonly cache: PrincipalCache) {}

  async publish(principal: Principal): Promise<void> {
    try {
      await this.cache.write(principal);
    } catch (error) {
      this.logger.warn(`principal cache write failed for ${principal.user.id}: ${(error as Error).message}`);
    }
  }
}
