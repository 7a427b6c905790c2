import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '@app/common';
import { PROVIDER_CATALOG_STATE_KEY, ProviderCatalogState } from '@app/contracts';
import { CatalogFreshness } from '@app/persistence';

// Tells readers (the gateways' search caches) how fresh the catalog is and when it changed, after a sync has
// committed. Best effort: Redis only spares readers a trip to Postgres, so an outage never fails a sync.
@Injectable()
export class CatalogStatePublisher {
  private readonly logger = new Logger(CatalogStatePublisher.name);

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async publish(freshness: CatalogFreshness): Promise<boolean> {
    const state: ProviderCatalogState = { catalog_version: freshness.catalogVersion, synced_at: freshness.lastSyncedAt?.toISOString() ?? null };
    try {
      await this.redis.set(PROVIDER_CATALOG_STATE_KEY, JSON.stringify(state));
      return true;
    } catch (error) {
      this.logger.warn(`catalog state not published to Redis: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
