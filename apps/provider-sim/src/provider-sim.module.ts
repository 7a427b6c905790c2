import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule, LoggingModule, MetricsModule, READINESS_CHECKS } from '@app/common';
import { ProviderSimConfig } from './config/provider-sim.config';
import { FeedController } from './feed/feed.controller';

@Module({})
export class ProviderSimModule {
  static forRoot(config: ProviderSimConfig): DynamicModule {
    return {
      module: ProviderSimModule,
      imports: [
        LoggingModule.forRoot({ app: 'provider-sim', level: config.LOG_LEVEL }),
        MetricsModule,
        // No dependencies: ready as soon as it serves.
        HealthModule.forRoot({ provide: READINESS_CHECKS, useValue: [] }),
      ],
      controllers: [FeedController],
    };
  }
}
