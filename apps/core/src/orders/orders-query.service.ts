import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { Actor, FindOrderByKeyPayload, ListOrdersPayload, OrderByKeyReply, OrderView, Page, pageMeta, SearchOrdersPayload } from '@app/contracts';
import { OrderEntity, OrdersRepository } from '@app/persistence';
import { ORDER_SEARCH_READER, OrderSearchReader } from '@app/search';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { OrderCacheWriter } from './order-cache.writer';
import { toView } from './order.mapper';

const ownerFilter = (actor: Actor) => (actor.role === 'admin' ? undefined : actor.id);

@Injectable()
export class OrdersQueryService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly cache: OrderCacheWriter,
    @Inject(ORDER_SEARCH_READER) private readonly search: OrderSearchReader,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  // The gateway's cache-miss path: the row, then back into the cache (only a stored order gets here). Another
  // user's order is NOT_FOUND, like a missing one, so existence is not leaked.
  async get(actor: Actor, id: string): Promise<OrderView> {
    const order = await this.orders.findById(id, this.config.ORDERS_READ_TIMEOUT_MS);
    if (!order || (actor.role !== 'admin' && order.userId !== actor.id)) throw new DomainError('NOT_FOUND', 'Order not found');
    const view = toView(order);
    await this.cache.stored([{ id: order.id, ownerId: order.userId, viewJson: JSON.stringify(view) }]);
    return view;
  }

  // The order an Idempotency-Key names, if stored: the original 202's body (`accepted`, same created_at) and
  // the request hash that tells a retry (same body) from a reuse (another body).
  async byKey(query: FindOrderByKeyPayload): Promise<OrderByKeyReply> {
    const order = await this.orders.findById(query.id, this.config.ORDERS_READ_TIMEOUT_MS);
    if (!order || order.userId !== query.user_id || order.idempotencyKey !== query.idempotency_key) return { order: null, request_hash: null };
    return { order: toView(order, 'accepted'), request_hash: order.requestHash };
  }

  async list(query: ListOrdersPayload): Promise<Page<OrderView>> {
    const { items, total } = await this.orders.list(
      { ownerId: ownerFilter(query.actor), page: query.page, pageSize: query.page_size, sortBy: query.sort_by, order: query.order },
      this.config.ORDERS_READ_TIMEOUT_MS,
    );
    return this.page(items, total, query);
  }

  async find(query: SearchOrdersPayload): Promise<Page<OrderView>> {
    const { ids, total } = await this.search.search({
      q: query.q,
      ownerId: ownerFilter(query.actor),
      page: query.page,
      pageSize: query.page_size,
      sortBy: query.sort_by,
      order: query.order,
      timeoutMs: this.config.ORDERS_READ_TIMEOUT_MS,
    });
    return this.page(await this.orders.findByIdsInOrder(ids, this.config.ORDERS_READ_TIMEOUT_MS), total, query);
  }

  private page(items: OrderEntity[], total: number, query: ListOrdersPayload): Page<OrderView> {
    return { data: items.map((order) => toView(order)), meta: pageMeta(query.page, query.page_size, total) };
  }
}
