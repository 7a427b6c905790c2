import type { Client, estypes } from '@elastic/elasticsearch';
import { OrderDocument } from '@app/contracts';
import { OrderIndexWriter, OrderSearchQuery, OrderSearchReader, OrderSearchResult } from '../order-search.port';
import { describeBulkItem, IndexCreator, pingCluster, totalHits } from './elasticsearch-index.util';
import { ORDER_INDEX, ORDER_INDEX_BODY } from './order-index.mapping';
import { websearchQuery } from './websearch-query.util';

// One document per order, its _id the order id: indexing an order again (a redelivered event, a rebuild over
// live events) overwrites the same document with the same content, so each order is in the index exactly once.
export class ElasticsearchOrderIndexWriter implements OrderIndexWriter {
  readonly backend = 'elasticsearch' as const;
  private readonly creator: IndexCreator;

  constructor(
    private readonly client: Client,
    private readonly indexName: string = ORDER_INDEX,
  ) {
    this.creator = new IndexCreator(client, indexName, ORDER_INDEX_BODY);
  }

  async index(orders: OrderDocument[]): Promise<void> {
    if (orders.length === 0) return;
    await this.creator.once();
    const response = await this.client.bulk({
      index: this.indexName,
      operations: orders.flatMap((order) => [{ index: { _id: order.id } }, order]),
    });
    if (!response.errors) return;
    const failures = response.items.map((item) => item.index as estypes.BulkResponseItem).filter((item) => item.error);
    throw new Error(`indexing orders failed for ${failures.length} document(s): ${failures.slice(0, 5).map(describeBulkItem).join('; ')}`);
  }

  async rebuild(batches: AsyncIterable<OrderDocument[]>): Promise<number> {
    let count = 0;
    for await (const batch of batches) {
      await this.index(batch);
      count += batch.length;
    }
    return count;
  }

  ping(): Promise<void> {
    return pingCluster(this.client);
  }
}

// The same matches, order and page as OrdersRepository.search: q as websearch_to_tsquery reads it, within one
// owner's orders unless the caller is an admin, sorted by the column then the id.
export class ElasticsearchOrderSearchReader implements OrderSearchReader {
  readonly backend = 'elasticsearch' as const;

  constructor(
    private readonly client: Client,
    private readonly index: string = ORDER_INDEX,
  ) {}

  async search(query: OrderSearchQuery): Promise<OrderSearchResult> {
    const response = await this.client.search(
      {
        index: this.index,
        // Before the first order is indexed there is no index: no hits rather than an error.
        ignore_unavailable: true,
        query: { bool: { filter: [websearchQuery(query.q, 'product_name'), ...(query.ownerId ? [{ term: { user_id: query.ownerId } }] : [])] } },
        sort: [{ [query.sortBy]: { order: query.order } }, { id: { order: query.order } }],
        from: (query.page - 1) * query.pageSize,
        size: query.pageSize,
        track_total_hits: true,
        _source: false,
      },
      { requestTimeout: query.timeoutMs },
    );
    return { ids: response.hits.hits.map((hit) => hit._id as string), total: totalHits(response) };
  }
}
