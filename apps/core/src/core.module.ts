import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import {
  ConnectionsModule,
  HealthModule,
  loadJwtKeys,
  LoggingModule,
  MetricsModule,
  PrincipalCache,
  postgresCheck,
  rabbitmqCheck,
  READINESS_CHECKS,
  redisCheck,
  REDIS,
  rmqConsumerProviders,
  RmqConnection,
} from '@app/common';
import { QUEUES } from '@app/contracts';
import { AuditRepository, PersistenceModule, runMigrationsLocked } from '@app/persistence';
import { AuthService } from './auth/auth.service';
import { PasswordHasher } from './auth/password.hasher';
import { JWT_KEYS, TokenIssuer } from './auth/token.issuer';
import { PrincipalCacheWriter } from './cache/principal-cache.writer';
import { CORE_CONFIG, CoreConfig } from './config/core.config';
import { ContentSearchModule } from './content-search/content-search.module';
import { DeadLetterStore } from './dead-letters/dead-letter.store';
import { AuditHandlers } from './audit/audit.handlers';
import { DeadLettersHandlers } from './dead-letters/dead-letters.handlers';
import { OverviewHandlers } from './admin/overview.handlers';
import { ORDERS_CONTROLLERS, ORDERS_PROVIDERS } from './orders/orders.providers';
import { OutboxModule } from './outbox/outbox.module';
import { PlansModule } from './plans/plans.module';
import { ProviderEventsModule } from './provider-events/provider-events.module';
import { ContentModule } from './content/content.module';
import { SalesModule } from './sales/sales.module';
import { PLAN_INDEX_WRITER, PlanIndexWriter, SearchModule } from '@app/search';
import { AdminBootstrap } from './users/admin.bootstrap';
import { CreateUserUseCase } from './users/create-user.use-case';
import { RemoveUserUseCase } from './users/remove-user.use-case';
import { UpdateUserUseCase } from './users/update-user.use-case';
import { UserCommitHook } from './users/user-commit.hook';
import { UsersHandlers } from './users/users.handlers';
import { UsersQueryService } from './users/users-query.service';
import { EraseDueUsersUseCase } from './users/erase-due-users.use-case';
import { EraseUserUseCase } from './users/erase-user.use-case';
import { UserExportService } from './users/user-export.service';
import { UserLifecycleHandlers } from './users/user-lifecycle.handlers';

// Runs pending migrations before anything else touches the schema, once across replicas.
// Then makes sure the audit log has this month's partition and the next ones (a core that was down for months
// must not write into a missing one), and arms the test-only crash hook.
class MigrationsOnStart implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AuditRepository) private readonly audit: AuditRepository,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await runMigrationsLocked(this.dataSource);
    await this.audit.ensurePartitions(new Date());
    this.audit.crashBeforeCommitOf = this.config.TEST_CRASH_BEFORE_COMMIT_OF;
  }
}

@Module({})
export class CoreModule {
  static forRoot(config: CoreConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        LoggingModule.forRoot({ app: 'core', level: config.LOG_LEVEL }),
        ConnectionsModule.forRoot({ app: 'core', redisUrl: config.REDIS_URL, rabbitmqUrl: config.RABBITMQ_URL }),
        PersistenceModule.forRoot(config.DATABASE_URL, 'core'),
        MetricsModule,
        OutboxModule.forRoot(config),
        SearchModule.forRoot({ elasticsearchUrl: config.ELASTICSEARCH_URL, reader: true, writer: true }),
        PlansModule,
        ContentModule.forRoot(config),
        SalesModule.forRoot(config),
        ContentSearchModule.forRoot(config),
        ProviderEventsModule.forRoot(config),
        HealthModule.forRoot({
          provide: READINESS_CHECKS,
          inject: [DataSource, REDIS, RmqConnection, PLAN_INDEX_WRITER],
          useFactory: (dataSource: DataSource, redis: Redis, rmq: RmqConnection, search: PlanIndexWriter) => [
            postgresCheck(dataSource),
            redisCheck(redis),
            rabbitmqCheck(rmq),
            { name: `search-${search.backend}`, check: () => search.ping() },
          ],
        }),
      ],
      controllers: [UsersHandlers, UserLifecycleHandlers, DeadLettersHandlers, AuditHandlers, OverviewHandlers, ...ORDERS_CONTROLLERS],
      providers: [
        { provide: CORE_CONFIG, useValue: config },
        { provide: JWT_KEYS, useFactory: () => loadJwtKeys(config, true) },
        { provide: PrincipalCache, inject: [REDIS], useFactory: (redis: Redis) => new PrincipalCache(redis) },
        ...rmqConsumerProviders(QUEUES.coreRpc, config.SHUTDOWN_GRACE_MS),
        MigrationsOnStart,
        PrincipalCacheWriter,
        PasswordHasher,
        TokenIssuer,
        AuthService,
        CreateUserUseCase,
        UpdateUserUseCase,
        UserCommitHook,
        RemoveUserUseCase,
        EraseUserUseCase,
        EraseDueUsersUseCase,
        UserExportService,
        UsersQueryService,
        AdminBootstrap,
        DeadLetterStore,
        ...ORDERS_PROVIDERS,
      ],
    };
  }
}
