import { DataSourceOptions } from 'typeorm';
import { ContentItemEntity } from './entities/content-item.entity';
import { DeadLetterEntity } from './entities/dead-letter.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { UserEntity } from './entities/user.entity';
import { PlanEntity } from './entities/plan.entity';
import { PlanObjectEntity } from './entities/plan-object.entity';
import { OrderEntity } from './entities/order.entity';
import { ProviderPlanEntity } from './entities/provider-plan.entity';
import { ProviderSyncRunEntity } from './entities/provider-sync-run.entity';
import { ProviderSyncStateEntity } from './entities/provider-sync-state.entity';
import { Orders1764500000000 } from './migrations/1764500000000-orders';
import { SalesViewRefreshes1764500100000 } from './migrations/1764500100000-sales-view-refreshes';
import { ProviderCatalog1764600000000 } from './migrations/1764600000000-provider-catalog';
import { ContentSearch1764600300000 } from './migrations/1764600300000-content-search';
import { ContentVersions1764610000000 } from './migrations/1764610000000-content-versions';
import { UserErasure1764700100000 } from './migrations/1764700100000-user-erasure';
import { AuditLog1764800000000 } from './migrations/1764800000000-audit-log';
import { OutboxTraceContext1764800000000 } from './migrations/1764800000000-outbox-trace-context';
import { SessionRevocation1764900140000 } from './migrations/1764900140000-session-revocation';
import { OutboxClaim1765000000000 } from './migrations/1765000000000-outbox-claim';

import { AuditWriteCost1765000100000 } from './migrations/1765000100000-audit-write-cost';
import { Plans1763700100000 } from './migrations/1763700100000-plans';
import { InitialSchema1763700000000 } from './migrations/1763700000000-initial-schema';

// Explicit registration, never globs; synchronize is off everywhere, migrations own the schema.
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  OutboxEntity,
  DeadLetterEntity,
  ContentItemEntity,
  PlanEntity,
  PlanObjectEntity,
  OrderEntity,
  ProviderPlanEntity,
  ProviderSyncRunEntity,
  ProviderSyncStateEntity,
];
export const MIGRATIONS = [
  InitialSchema1763700000000,
  Plans1763700100000,
  Orders1764500000000,
  SalesViewRefreshes1764500100000,
  ProviderCatalog1764600000000,
  ContentSearch1764600300000,
  ContentVersions1764610000000,
  UserErasure1764700100000,
  AuditLog1764800000000,
  OutboxTraceContext1764800000000,
  SessionRevocation1764900140000,
  OutboxClaim1765000000000,

  AuditWriteCost1765000100000,
];

export function dataSourceOptions(url: string, applicationName: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName,
    extra: { max: 20, connectionTimeoutMillis: 3000, statement_timeout: 10_000 },
  };
}
