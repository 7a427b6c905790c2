import { OrderDocument } from '@app/contracts';
import { OrdersRepository } from '@app/persistence';
import { OrderIndexWriter, OrderSearchQuery, OrderSearchReader, OrderSearchResult } from '../order-search.port';

// The built-in backend is the orders table itself: its generated search_vector is written in the row's own
// INSERT, so a stored order is searchable from its commit, exactly once (the primary key), with nothing to sync.
export class PostgresOrderSearchReader implements OrderSearchReader {
  readonly backend = 'postgres' as const;

  constructor(private readonly orders: OrdersRepository) {}

  search({ timeoutMs, ...query }: OrderSearchQuery): Promise<OrderSearchResult> {
    return this.orders.search(query, timeoutMs);
  }
}

// Nothing to write: see the reader. order.stored events are still consumed (and their lag measured), so
// switching to Elasticsearch changes no flow.
export class PostgresOrderIndexWriter implements OrderIndexWriter {
  readonly backend = 'postgres' as const;

  async index(_orders: OrderDocument[]): Promise<void> {}

  async rebuild(batches: AsyncIterable<OrderDocument[]>): Promise<number> {
    let count = 0;
    for await (const batch of batches) count += batch.length;
    return count;
  }

  async ping(): Promise<void> {}
}
