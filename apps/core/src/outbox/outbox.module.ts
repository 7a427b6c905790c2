import { DynamicModule, Module } from '@nestjs/common';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { OutboxRelay } from './outbox.relay';

// The relay, global so that any writer can hand it the rows it committed.
@Module({})
export class OutboxModule {
  static forRoot(config: CoreConfig): DynamicModule {
    return { module: OutboxModule, global: true, providers: [{ provide: CORE_CONFIG, useValue: config }, OutboxRelay], exports: [OutboxRelay] };
  }
}
