import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withStartupTimeout } from '@app/common';
import { dataSourceOptions } from './data-source.options';
import { ContentItemsRepository } from './repositories/content-items.repository';
import { ContentSearchRepository } from './repositories/content-search.repository';
import { DeadLettersRepository } from './repositories/dead-letters.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { RefreshTokensRepository } from './repositories/refresh-tokens.repository';
import { UsersRepository } from './repositories/users.repository';
import { UserErasureRepository } from './repositories/user-erasure.repository';
import { UserExportRepository } from './repositories/user-export.repository';
import { AuditRepository } from './repositories/audit.repository';
import { PlansRepository } from './repositories/plans.repository';
import { SalesViewRepository } from './repositories/sales-view.repository';

import { OrdersRepository } from './repositories/orders.repository';
import { ProviderPlansRepository } from './repositories/provider-plans.repository';
import { ProviderEventsRepository } from './repositories/provider-events.repository';
import { ProviderSyncLockRepository } from './repositories/provider-sync-lock.repository';
import { ProviderSyncRunsRepository } from './repositories/provider-sync-runs.repository';
import { ProviderSyncStateRepository } from './repositories/provider-sync-state.repository';

const REPOSITORIES = [
  AuditRepository,
  PlansRepository,
  UsersRepository,
  UserErasureRepository,
  UserExportRepository,
  RefreshTokensRepository,
  OutboxRepository,
  DeadLettersRepository,
  ContentItemsRepository,
  ContentSearchRepository,
  SalesViewRepository,
  OrdersRepository,
  ProviderPlansRepository,
  ProviderEventsRepository,
  ProviderSyncLockRepository,
  ProviderSyncRunsRepository,
  ProviderSyncStateRepository,
];

@Module({})
export class PersistenceModule {
  static forRoot(url: string, applicationName: string): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(url, applicationName), retryAttempts: 0 }),
          // Fail fast at start with the dependency named, instead of a bare driver error.
          dataSourceFactory: (options) => withStartupTimeout('PostgreSQL', url, 5000, new DataSource(options!).initialize()),
        }),
      ],
      providers: REPOSITORIES,
      exports: REPOSITORIES,
    };
  }
}
