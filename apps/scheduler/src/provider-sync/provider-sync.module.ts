import { DynamicModule, Module, Type } from '@nestjs/common';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { CatalogStatePublisher } from './catalog-state.publisher';
import { ProviderCircuitBreaker } from './circuit/provider-circuit.breaker';
import { ProviderFeedClient } from './fetch/provider-feed.client';
import { ProviderSyncHandlers } from './provider-sync.handlers';
import { ProviderSyncJob } from './provider-sync.job';
import { ProviderSyncMetrics } from './provider-sync.metrics';
import { ProviderSyncService } from './provider-sync.service';
import { SyncProviderFeedUseCase } from './sync-provider-feed.use-case';

// The provider sync: schedule, lock, fetch, circuit breaker, admin RPC. Applying a feed to the catalog is the
// FeedProcessor's job, which `feedModule` must provide and export (provider-sync/feed/feed.module.ts).
// Needs, from the app: PersistenceModule (global), REDIS (ConnectionsModule), MetricsService, ScheduleModule.
@Module({})
export class ProviderSyncModule {
  static forRoot(config: SchedulerConfig, feedModule: Type | DynamicModule): DynamicModule {
    return {
      module: ProviderSyncModule,
      imports: [feedModule],
      controllers: [ProviderSyncHandlers],
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        ProviderFeedClient,
        ProviderCircuitBreaker,
        CatalogStatePublisher,
        ProviderSyncMetrics,
        SyncProviderFeedUseCase,
        ProviderSyncService,
        ProviderSyncJob,
      ],
      exports: [ProviderSyncService],
    };
  }
}
