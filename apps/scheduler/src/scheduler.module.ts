import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import Redis from 'ioredis';
import { ConnectionsModule, HealthModule, LoggingModule, MetricsModule, rabbitmqCheck, READINESS_CHECKS, REDIS, redisCheck, RmqConnection } from '@app/common';
import { SCHEDULER_CONFIG, SchedulerConfig } from './config/scheduler.config';

// Cron ticks only take a lock and publish; the jobs themselves (provider sync, sales view refresh) arrive
// with their issues. Until then the scheduler runs, reports its health and exposes metrics.
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
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }],
    };
  }
}
