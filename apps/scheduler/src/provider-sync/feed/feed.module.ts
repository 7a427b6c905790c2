import { DynamicModule, Module } from '@nestjs/common';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../../config/scheduler.config';
import { FeedProcessor } from '../feed-processor.port';
import { ProviderFeedProcessor } from './provider-feed.processor';

// Applies a fetched feed to the catalog. ProviderPlansRepository comes from the global PersistenceModule; the
// config is handed in like SchedulerModule.forRoot's, since a provider of the root module is not visible here.
@Module({})
export class FeedModule {
  static forRoot(config: SchedulerConfig): DynamicModule {
    return {
      module: FeedModule,
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        { provide: FeedProcessor, useClass: ProviderFeedProcessor },
      ],
      exports: [FeedProcessor],
    };
  }
}
