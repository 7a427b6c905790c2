import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { PlansRepository } from '@app/persistence';
import { PLAN_INDEX_WRITER, PLAN_SEARCH_READER } from './plan-search.port';
import { PostgresPlanIndexWriter, PostgresPlanSearchReader } from './postgres/postgres-plan-search';

// Which backend serves search is configuration: Elasticsearch when ELASTICSEARCH_URL is set, else Postgres.
export function planIndexWriterProvider(elasticsearchUrl?: string): Provider {
  return { provide: PLAN_INDEX_WRITER, useFactory: () => (elasticsearchUrl ? elasticsearchWriter(elasticsearchUrl) : new PostgresPlanIndexWriter()) };
}

export function planSearchReaderProvider(elasticsearchUrl?: string): Provider {
  return {
    provide: PLAN_SEARCH_READER,
    inject: [PlansRepository],
    useFactory: (plans: PlansRepository) => (elasticsearchUrl ? elasticsearchReader(elasticsearchUrl) : new PostgresPlanSearchReader(plans)),
  };
}

function elasticsearchWriter(_url: string): never {
  throw new Error('the Elasticsearch backend is not wired yet');
}

function elasticsearchReader(_url: string): never {
  throw new Error('the Elasticsearch backend is not wired yet');
}

export interface SearchModuleOptions {
  elasticsearchUrl?: string;
  writer?: boolean;
  reader?: boolean; // the reader needs the persistence module (Postgres backend)
}

@Global()
@Module({})
export class SearchModule {
  static forRoot(options: SearchModuleOptions): DynamicModule {
    const providers = [
      ...(options.writer ? [planIndexWriterProvider(options.elasticsearchUrl)] : []),
      ...(options.reader ? [planSearchReaderProvider(options.elasticsearchUrl)] : []),
    ];
    return { module: SearchModule, providers, exports: providers.map((provider) => (provider as { provide: symbol }).provide) };
  }
}
