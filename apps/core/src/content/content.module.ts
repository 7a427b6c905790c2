import { DynamicModule, Module } from '@nestjs/common';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { ContentCacheFiller } from './content-cache.filler';
import { ContentCacheStore } from './content-cache.store';
import { ContentHandlers } from './content.handlers';
import { ContentMetrics } from './content.metrics';
import { ContentQueryService } from './content-query.service';
import { ContentWriteSupport } from './content-write.support';
import { CreateContentUseCase } from './create-content.use-case';
import { DeleteContentUseCase } from './delete-content.use-case';
import { PatchContentUseCase } from './patch-content.use-case';
import { ReplaceContentUseCase } from './replace-content.use-case';

export type ContentConfig = Pick<CoreConfig, 'contentCacheTtlSeconds'>;

const PROVIDERS = [
  ContentCacheStore,
  ContentCacheFiller,
  ContentMetrics,
  ContentQueryService,
  ContentWriteSupport,
  CreateContentUseCase,
  ReplaceContentUseCase,
  PatchContentUseCase,
  DeleteContentUseCase,
];

// Content items: the writes (row, outbox event, then the cache) and the cached reads with their single-flight fills.
// Exports the cache store so a user rename can refresh the author's name in it.
@Module({})
export class ContentModule {
  static forRoot(config: ContentConfig): DynamicModule {
    return {
      module: ContentModule,
      controllers: [ContentHandlers],
      providers: [{ provide: CORE_CONFIG, useValue: config }, ...PROVIDERS],
      exports: [ContentCacheStore],
    };
  }
}
