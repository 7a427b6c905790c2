import { Provider } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { REDIS } from '@app/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { CatalogStateTracker } from './catalog-state.tracker';
import { ProviderEventsCache } from './provider-events.cache';
import { SearchProviderEventsUseCase } from './search-provider-events.use-case';

export const PROVIDER_EVENTS_PROVIDERS: Provider[] = [
  { provide: CatalogStateTracker, inject: [REDIS], useFactory: (redis: Redis) => new CatalogStateTracker(redis, performance) },
  {
    provide: ProviderEventsCache,
    inject: [GATEWAY_CONFIG],
    useFactory: (config: GatewayConfig) =>
      new ProviderEventsCache({
        maxEntries: config.PROVIDER_SEARCH_CACHE_MAX_ENTRIES,
        maxBytes: config.PROVIDER_SEARCH_CACHE_MAX_BYTES,
        ttlMs: config.PROVIDER_SEARCH_CACHE_TTL,
      }),
  },
  SearchProviderEventsUseCase,
];
