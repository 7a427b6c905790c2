import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { ElasticsearchService } from '@nestjs/elasticsearch';
import { ContentSearchRepository, OrdersRepository, PlansRepository } from '@app/persistence';
import { CONTENT_INDEX_WRITER, CONTENT_SEARCH_READER } from './content-search.port';
import { ElasticsearchContentIndexWriter, ElasticsearchContentSearchReader } from './elasticsearch/elasticsearch-content-search';
import { PostgresContentIndexWriter, PostgresContentSearchReader } from './postgres/postgres-content-search';
import { ElasticsearchOrderIndexWriter, ElasticsearchOrderSearchReader } from './elasticsearch/elasticsearch-order-search';
import { ORDER_INDEX_WRITER, ORDER_SEARCH_READER } from './order-search.port';
import { PostgresOrderIndexWriter, PostgresOrderSearchReader } from './postgres/postgres-order-search';
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

export function orderIndexWriterProvider(elasticsearchUrl?: string): Provider {
  return {
    provide: ORDER_INDEX_WRITER,
    useFactory: () => (elasticsearchUrl ? new ElasticsearchOrderIndexWriter(elasticsearchClient(elasticsearchUrl)) : new PostgresOrderIndexWriter()),
  };
}

export function orderSearchReaderProvider(elasticsearchUrl?: string): Provider {
  return {
    provide: ORDER_SEARCH_READER,
    inject: [OrdersRepository],
    useFactory: (orders: OrdersRepository) =>
      elasticsearchUrl ? new ElasticsearchOrderSearchReader(elasticsearchClient(elasticsearchUrl)) : new PostgresOrderSearchReader(orders),
  };
}

export function contentIndexWriterProvider(elasticsearchUrl?: string): Provider {
  return {
    provide: CONTENT_INDEX_WRITER,
    useFactory: () => (elasticsearchUrl ? new ElasticsearchContentIndexWriter(elasticsearchClient(elasticsearchUrl)) : new PostgresContentIndexWriter()),
  };
}

export function contentSearchReaderProvider(elasticsearchUrl?: string): Provider {
  return {
    provide: CONTENT_SEARCH_READER,
    inject: [ContentSearchRepository],
    useFactory: (content: ContentSearchRepository) =>
      elasticsearchUrl ? new ElasticsearchContentSearchReader(elasticsearchClient(elasticsearchUrl)) : new PostgresContentSearchReader(content),
  };
}

// @nestjs/elasticsearch's service is the official client; bounded timeouts and retries so a slow cluster
// fails a message (which is then retried or dead-lettered) instead of hanging a consumer. Required here, only when
// ELASTICSEARCH_URL is set: the Postgres backend never loads the client.
function elasticsearchClient(url: string): ElasticsearchService {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ElasticsearchService: Service } = require('@nestjs/elasticsearch') as typeof import('@nestjs/elasticsearch');
  return new Service({ node: url, requestTimeout: 10_000, maxRetries: 2 });
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
      ...(options.writer
        ? [planIndexWriterProvider(options.elasticsearchUrl), orderIndexWriterProvider(options.elasticsearchUrl), contentIndexWriterProvider(options.elasticsearchUrl)]
        : []),
      ...(options.reader
        ? [planSearchReaderProvider(options.elasticsearchUrl), orderSearchReaderProvider(options.elasticsearchUrl), contentSearchReaderProvider(options.elasticsearchUrl)]
        : []),
    ];
    return { module: SearchModule, providers, exports: providers.map((provider) => (provider as { provide: symbol }).provide) };
  }
}
