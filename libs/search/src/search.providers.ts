import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { ElasticsearchService } from '@nestjs/elasticsearch';
import { PlansRepository } from '@app/persistence';
import { ElasticsearchPlanIndexWriter, ElasticsearchPlanSearchReader } from './elasticsearch/elasticsearch-plan-search';
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

// @nestjs/elasticsearch's service is the official client; bounded timeouts and retries so a slow cluster
// fails a message (which is then retried or dead-lettered) instead of hanging a consumer.
function elasticsearchClient(url: string): ElasticsearchService {
  return new ElasticsearchService({ node: url, requestTimeout: 10_000, maxRetries: 2 });
}

function elasticsearchWriter(url: string): ElasticsearchPlanIndexWriter {
  return new ElasticsearchPlanIndexWriter(elasticsearchClient(url));
}

function elasticsearchReader(url: string): ElasticsearchPlanSearchReader {
  return new ElasticsearchPlanSearchReader(elasticsearchClient(url));
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
