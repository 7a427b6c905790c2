import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import Redis from 'ioredis';
import { ConnectionsModule, HealthModule, LoggingModule, MetricsModule, rabbitmqCheck, READINESS_CHECKS, REDIS, redisCheck, RmqConnection } from '@app/common';
import { SCHEDULER_CONFIG, SchedulerConfig } from './config/scheduler.config';
import { SalesViewRefreshJob } from './sales-view/sales-view-refresh.job';
import { CoreCommandPublisher } from './ticks/core-command.publisher';
import { TickClaim } from './ticks/tick-claim.service';

// Cron ticks only claim the tick and publish; the work runs where it belongs (the sales view refresh in core).
// The provider sync arrives with its issue.
@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        LoggingModule.forRoot({ app: 'scheduler', level: config.LOG_LEVEL }),
        ConnectionsModule.forRoot({ app: 'scheduler', redisUrl: config.REDIS_URL, rabbitmqUrl: config.RABBITMQ_URL }),
        ScheduleModule.forRoot(),
        MetricsModule,
        HealthModule.forRoot({
          provide: READINESS_CHECKS,
          inject: [REDIS, RmqConnection],
          useFactory: (redis: Redis, rmq: RmqConnection) => [redisCheck(redis), rabbitmqCheck(rmq)],
        }),
      ],
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }, TickClaim, CoreCommandPublisher, SalesViewRefreshJob],
    };
  }
}
