import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthModule, LoggingModule, MetricsModule, READINESS_CHECKS } from '@app/common';
import { AdminController } from './admin/admin.controller';
import { SimErrorFilter } from './admin/sim-error.filter';
import { PROVIDER_SIM_CONFIG, ProviderSimConfig } from './config/provider-sim.config';
import { FaultState } from './faults/fault-state.service';
import { FeedResponder } from './feed/feed-responder.service';
import { FeedController } from './feed/feed.controller';
import { FeedSource, FIXTURES, SIM_CLOCK, SimClock } from './feed/feed-source.service';
import { loadFixtures } from './feed/fixtures.util';
import { ResponseTracker } from './feed/response-tracker.service';
import { FeedStats } from './stats/feed-stats.service';

// A development and test tool standing in for the external provider: the feed in rotation or generated, and
// faults on demand. It has no authentication; keep it on loopback (PROVIDER_SIM_HOST) and out of production.
@Module({})
export class ProviderSimModule {
  static forRoot(config: ProviderSimConfig, clock: SimClock = Date.now): DynamicModule {
    return {
      module: ProviderSimModule,
      imports: [
        LoggingModule.forRoot({ app: 'provider-sim', level: config.LOG_LEVEL }),
        MetricsModule,
        // No dependencies: ready as soon as it serves.
        HealthModule.forRoot({ provide: READINESS_CHECKS, useValue: [] }),
      ],
      controllers: [FeedController, AdminController],
      providers: [
        { provide: PROVIDER_SIM_CONFIG, useValue: config },
        { provide: FIXTURES, useFactory: () => loadFixtures() },
        { provide: SIM_CLOCK, useValue: clock },
        { provide: APP_FILTER, useClass: SimErrorFilter },
        FeedSource,
        FaultState,
        FeedStats,
        ResponseTracker,
        FeedResponder,
      ],
    };
  }
}
