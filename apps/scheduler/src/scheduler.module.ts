import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import {
  ConnectionsModule,
  HealthModule,
  LoggingModule,
  MetricsModule,
  postgresCheck,
  rabbitmqCheck,
  READINESS_CHECKS,
  REDIS,
  redisCheck,
  rmqConsumerProviders,
  RmqConnection,
} from '@app/common';
import { QUEUES } from '@app/contracts';
import { PersistenceModule } from '@app/persistence';
import { SCHEDULER_CONFIG, SchedulerConfig } from './config/scheduler.config';
import { ProviderSyncModule } from './provider-sync/provider-sync.module';
import { FeedModule } from './provider-sync/feed/feed.module';
import { SalesViewRefreshJob } from './sales-view/sales-view-refresh.job';
import { ClaimedTicks } from './ticks/claimed-ticks.service';
import { CoreCommandPublisher } from './ticks/core-command.publisher';
import { TickClaim } from './ticks/tick-claim.service';
import { UserErasureJob } from './user-erasure/user-erasure.job';
import { AuditMaintenanceJob } from './audit-maintenance/audit-maintenance.job';

// Cron ticks only claim the tick and publish; the work runs where it belongs (the sales view refresh in core).
// The provider sync is the exception: the scheduler is the only writer of the provider_* tables (a bulk sync
// of thousands of plans would otherwise cross RabbitMQ to core), so it has a Postgres connection; core still
// runs the migrations. It answers the admin sync RPC on QUEUES.schedulerRpc.
@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerConfig): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        LoggingModule.forRoot({ app: 'scheduler', level: config.LOG_LEVEL }),
        ConnectionsModule.forRoot({ app: 'scheduler', redisUrl: config.REDIS_URL, rabbitmqUrl: config.RABBITMQ_URL }),
        PersistenceModule.forRoot(config.DATABASE_URL, 'scheduler'),
        ScheduleModule.forRoot(),
        MetricsModule,
        HealthModule.forRoot({
          provide: READINESS_CHECKS,
          inject: [DataSource, REDIS, RmqConnection],
          useFactory: (dataSource: DataSource, redis: Redis, rmq: RmqConnection) => [postgresCheck(dataSource), redisCheck(redis), rabbitmqCheck(rmq)],
        }),
        ProviderSyncModule.forRoot(config, FeedModule.forRoot(config)),
      ],
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: config },
        ...rmqConsumerProviders(QUEUES.schedulerRpc, config.SHUTDOWN_GRACE_MS),
        TickClaim,
        CoreCommandPublisher,
        ClaimedTicks,
        SalesViewRefreshJob,
        UserErasureJob,
        AuditMaintenanceJob,
      ],
    };
  }
}
