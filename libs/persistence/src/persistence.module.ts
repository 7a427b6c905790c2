import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source.options';
import { ContentItemsRepository } from './repositories/content-items.repository';
import { DeadLettersRepository } from './repositories/dead-letters.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { RefreshTokensRepository } from './repositories/refresh-tokens.repository';
import { UsersRepository } from './repositories/users.repository';

const REPOSITORIES = [UsersRepository, RefreshTokensRepository, OutboxRepository, DeadLettersRepository, ContentItemsRepository];

@Module({})
export class PersistenceModule {
  static forRoot(url: string, applicationName: string): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(url, applicationName), retryAttempts: 0 })],
      providers: REPOSITORIES,
      exports: REPOSITORIES,
    };
  }
}
