import { OrderDocument, OrderSortBy } from '@app/contracts';

export interface OrderSearchQuery {
  q: string; // websearch syntax, on product_name
  ownerId?: string; // unset: every user's orders (admin)
  page: number;
  pageSize: number;
  sortBy: OrderSortBy;
  order: 'asc' | 'desc';
  timeoutMs: number;
}

export interface OrderSearchResult {
  ids: string[];
  total: number;
}

// Writes stored orders to the search index, driven by order.stored events (indexer) and by a rebuild (admin
// reindex). The document id is the order id and orders never change, so writing one again changes nothing:
// a redelivered event or a rebuild can never make a second document.
export interface OrderIndexWriter {
  readonly backend: 'postgres' | 'elasticsearch';
  index(orders: OrderDocument[]): Promise<void>;
  rebuild(batches: AsyncIterable<OrderDocument[]>): Promise<number>;
  ping(): Promise<void>;
}

// Ids of the matching orders in the requested order, and the total; callers load the orders from Postgres.
export interface OrderSearchReader {
  readonly backend: 'postgres' | 'elasticsearch';
  search(query: OrderSearchQuery): Promise<OrderSearchResult>;
}

export const ORDER_INDEX_WRITER = Symbol('ORDER_INDEX_WRITER');
export const ORDER_SEARCH_READER = Symbol('ORDER_SEARCH_READER');
