import { Inject, Injectable } from '@nestjs/common';
import { SearchProviderEventsPayload, SearchProviderEventsReply } from '@app/contracts';
import { ProviderEventsRepository } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

export type ProviderEventsConfig = Pick<CoreConfig, 'PROVIDER_SEARCH_MAX_RESULTS' | 'PROVIDER_SEARCH_TIMEOUT_MS'>;

// The provider catalog search, from our own storage only (the provider is never on this path).
@Injectable()
export class ProviderEventsQueryService {
  constructor(
    @Inject(CORE_CONFIG) private readonly config: ProviderEventsConfig,
    private readonly repository: ProviderEventsRepository,
  ) {}

  async search(payload: SearchProviderEventsPayload): Promise<SearchProviderEventsReply> {
    const snapshot = await this.repository.search({
      startsAt: payload.starts_at ? new Date(payload.starts_at) : undefined,
      endsAt: payload.ends_at ? new Date(payload.ends_at) : undefined,
      limit: this.config.PROVIDER_SEARCH_MAX_RESULTS,
      timeoutMs: this.config.PROVIDER_SEARCH_TIMEOUT_MS,
    });
    return {
      events: snapshot.events,
      synced_at: snapshot.lastSyncedAt ? snapshot.lastSyncedAt.toISOString() : null,
      catalog_version: snapshot.catalogVersion,
      truncated: snapshot.truncated,
    };
  }
}
