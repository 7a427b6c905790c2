import { DynamicModule, Module } from '@nestjs/common';
import { ConnectionsModule, HealthModule, LoggingModule, MetricsModule, rabbitmqCheck, READINESS_CHECKS, rmqConsumerProviders, RmqConnection } from '@app/common';
import { QUEUES } from '@app/contracts';
import { INDEXER_CONFIG, IndexerConfig } from './config/indexer.config';
import { ContentEventsHandlers } from './content/content-events.handlers';
import { IndexLagRecorder } from './events/index-lag.recorder';
import { UserEventsHandlers } from './events/user-events.handlers';
import { OrderEventsHandlers } from './orders/order-events.handlers';
import { PlanEventsHandlers } from './plans/plan-events.handlers';
import { PLAN_INDEX_WRITER, PlanIndexWriter, SearchModule } from '@app/search';

@Module({})
export class IndexerModule {
  static forRoot(config: IndexerConfig): DynamicModule {
    return {
      module: IndexerModule,
      imports: [
        LoggingModule.forRoot({ app: 'indexer', level: config.LOG_LEVEL }),
        ConnectionsModule.forRoot({ app: 'indexer', rabbitmqUrl: config.RABBITMQ_URL }),
        MetricsModule,
        SearchModule.forRoot({ elasticsearchUrl: config.ELASTICSEARCH_URL, writer: true }),
        HealthModule.forRoot({
          provide: READINESS_CHECKS,
          inject: [RmqConnection, PLAN_INDEX_WRITER],
          useFactory: (rmq: RmqConnection, index: PlanIndexWriter) => [rabbitmqCheck(rmq), { name: `search-${index.backend}`, check: () => index.ping() }],
        }),
      ],
      controllers: [UserEventsHandlers, PlanEventsHandlers, OrderEventsHandlers, ContentEventsHandlers],
      providers: [{ provide: INDEXER_CONFIG, useValue: config }, ...rmqConsumerProviders(QUEUES.indexerEvents, config.SHUTDOWN_GRACE_MS), IndexLagRecorder],
    };
  }
}
