import { DynamicModule, Module } from '@nestjs/common';
import { CORE_CONFIG } from '../config/core.config';
import { ProviderEventsHandlers } from './provider-events.handlers';
import { ProviderEventsConfig, ProviderEventsQueryService } from './provider-events-query.service';

// The read side of the provider catalog: GET /events/search asks here when its cache cannot answer.
@Module({})
export class ProviderEventsModule {
  static forRoot(config: ProviderEventsConfig): DynamicModule {
    return {
      module: ProviderEventsModule,
      controllers: [ProviderEventsHandlers],
      providers: [{ provide: CORE_CONFIG, useValue: config }, ProviderEventsQueryService],
    };
  }
}
