import { DynamicModule, Module } from '@nestjs/common';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { ContentSearchHandlers } from './content-search.handlers';
import { ContentSearchQueryService } from './content-search-query.service';

export type ContentSearchConfig = Pick<CoreConfig, 'CONTENT_SEARCH_TIMEOUT_MS'>;

// GET /content/search's core side: the search port finds the ids, Postgres gives the items with their authors.
@Module({})
export class ContentSearchModule {
  static forRoot(config: ContentSearchConfig): DynamicModule {
    return {
      module: ContentSearchModule,
      controllers: [ContentSearchHandlers],
      providers: [{ provide: CORE_CONFIG, useValue: config }, ContentSearchQueryService],
    };
  }
}
