import { OverviewController } from './admin/overview.controller';
import { BrokerManagementClient } from './admin/broker-management.client';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import Redis from 'ioredis';
import {
  ConnectionsModule,
  HealthModule,
  loadJwtKeys,
  LoggingModule,
  MetricsModule,
  rabbitmqCheck,
  READINESS_CHECKS,
  redisCheck,
  REDIS,
  RmqConnection,
  strictValidationPipe,
} from '@app/common';
import { AccessGuard } from './access/access.guard';
import { AccessService } from './access/access.service';
import { PlanCacheResponder } from './plans/plan-cache.responder';
import { ContentCacheResponder } from './content/content-cache.responder';
import { SalesCacheResponder } from './dashboard/sales-cache.responder';
import { ContentController } from './content/content.controller';
import { JwtStrategy } from './access/jwt.strategy';
import { GATEWAY_JWT_KEYS, JwtVerifier } from './access/jwt.verifier';
import { DeadLettersController } from './admin/dead-letters.controller';
import { AuditController } from './admin/audit.controller';
import { AuthController } from './auth/auth.controller';
import { LoginThrottle } from './auth/login-throttle.service';
import { LoginLockoutController } from './admin/login-lockout.controller';
import { JwksController } from './auth/jwks.controller';
import { GATEWAY_CONFIG, GatewayConfig } from './config/gateway.config';
import { CoreClient } from './core-client/core.client';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { RATE_LIMIT_LUA } from './rate-limit/rate-limiter';
import { UsersController } from './users/users.controller';
import { UserLifecycleController } from './users/user-lifecycle.controller';
import { PlansController } from './plans/plans.controller';
import { ReindexController } from './admin/reindex.controller';
import { ContentSearchController } from './content/content-search.controller';
import { SalesViewController } from './admin/sales-view.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { IdempotencyStore } from './orders/idempotency.store';
import { OrderCacheResponder } from './orders/order-cache.responder';
import { OrderCacheStore } from './orders/order-cache.store';
import { OrderPublisher } from './orders/order.publisher';
import { OrderPublisherModule } from './orders/order-publisher.module';
import { OrdersController } from './orders/orders.controller';
import { PlaceOrdersUseCase } from './orders/place-orders.use-case';
import { ProviderSyncController } from './admin/provider-sync.controller';
import { ProviderEventsController } from './provider-events/provider-events.controller';
import { PROVIDER_EVENTS_PROVIDERS } from './provider-events/provider-events.providers';
import { SchedulerClient } from './scheduler-client/scheduler.client';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        LoggingModule.forRoot({ app: 'gateway', level: config.LOG_LEVEL }),
        ConnectionsModule.forRoot({ app: 'gateway', redisUrl: config.REDIS_URL, rabbitmqUrl: config.RABBITMQ_URL }),
        MetricsModule,
        OrderPublisherModule.forRoot(config),
        HealthModule.forRoot({
          provide: READINESS_CHECKS,
          inject: [REDIS, RmqConnection, OrderPublisher],
          useFactory: (redis: Redis, rmq: RmqConnection, orders: OrderPublisher) => [
            redisCheck(redis),
            {
              name: 'rabbitmq',
              check: async () => {
                await rabbitmqCheck(rmq).check();
                if (!orders.ready) throw new Error('the order publisher has no open channel, or the broker blocks it');
              },
            },
          ],
        }),
      ],
      controllers: [
        AuthController,
        LoginLockoutController,
        JwksController,
        UserLifecycleController,
        UsersController,
        PlansController,
        ContentController,
        OrdersController,
        DeadLettersController,
        AuditController,
        OverviewController,
        ReindexController,
        DashboardController,
        SalesViewController,
        ContentSearchController,
        ProviderEventsController,
        ProviderSyncController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        BrokerManagementClient,
        { provide: GATEWAY_JWT_KEYS, useFactory: () => loadJwtKeys(config, false) },
        {
          provide: 'RATE_LIMIT_COMMAND',
          inject: [REDIS],
          useFactory: (redis: Redis) => redis.defineCommand('rateLimit', { numberOfKeys: 1, lua: RATE_LIMIT_LUA }),
        },
        JwtVerifier,
        JwtStrategy,
        AccessService,
        LoginThrottle,
        PlanCacheResponder,
        ContentCacheResponder,
        SalesCacheResponder,
        CoreClient,
        OrderCacheStore,
        IdempotencyStore,
        OrderCacheResponder,
        PlaceOrdersUseCase,
        SchedulerClient,
        ...PROVIDER_EVENTS_PROVIDERS,
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useFactory: strictValidationPipe },
      ],
    };
  }
}
