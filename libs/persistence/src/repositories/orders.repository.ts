import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { OrderPlacement, OrderSortBy } from '@app/contracts';
import { OrderEntity } from '../entities/order.entity';
import { withStatementTimeout } from '../statement-timeout.util';

export interface OrderListQuery {
  ownerId?: string; // unset: every user's orders (admin)
  page: number;
  pageSize: number;
  sortBy: OrderSortBy;
  order: 'asc' | 'desc';
}

export interface OrderTextQuery extends OrderListQuery {
  q: string;
}

const SORT_COLUMNS: Record<OrderSortBy, string> = { created_at: 'created_at', amount: 'amount' };
const SORT_PROPERTIES: Record<OrderSortBy, keyof OrderEntity> = { created_at: 'createdAt', amount: 'amount' };

@Injectable()
export class OrdersRepository {
  constructor(private readonly dataSource: DataSource) {}

  // One statement for the whole batch, inside the caller's transaction: the columns as arrays (a constant
  // number of parameters whatever the batch size). A redelivered or retried order (same id) is skipped.
  // Returns the ids this statement inserted.
  async insertMany(manager: EntityManager, orders: OrderPlacement[]): Promise<Set<string>> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO orders (id, user_id, product_name, amount, currency, plan_id, idempotency_key, request_hash, created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::numeric[], $5::text[], $6::varchar[], $7::varchar[], $8::text[], $9::timestamptz[])
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        orders.map((o) => o.id),
        orders.map((o) => o.user_id),
        orders.map((o) => o.product_name),
        orders.map((o) => o.amount),
        orders.map((o) => o.currency),
        orders.map((o) => o.plan_id),
        orders.map((o) => o.idempotency_key),
        orders.map((o) => o.request_hash),
        orders.map((o) => o.created_at),
      ],
    );
    return new Set(rows.map((row) => row.id.toLowerCase()));
  }

  findById(id: string, timeoutMs: number): Promise<OrderEntity | null> {
    return withStatementTimeout(this.dataSource, timeoutMs, (manager) => manager.getRepository(OrderEntity).findOne({ where: { id } }));
  }

  // Loads orders by id and returns them in the order of `ids`.
  async findByIdsInOrder(ids: string[], timeoutMs: number): Promise<OrderEntity[]> {
    if (ids.length === 0) return [];
    const found = await withStatementTimeout(this.dataSource, timeoutMs, (manager) => manager.getRepository(OrderEntity).find({ where: { id: In(ids) } }));
    const byId = new Map(found.map((order) => [order.id, order]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  // A page in (sort column, id) order, on the (user_id, created_at, id) and (created_at, id) indexes for the
  // default sort; the count is its own query, so the page itself stops at LIMIT.
  list(query: OrderListQuery, timeoutMs: number): Promise<{ items: OrderEntity[]; total: number }> {
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const where = query.ownerId ? { userId: query.ownerId } : {};
    return withStatementTimeout(this.dataSource, timeoutMs, async (manager) => {
      const repository = manager.getRepository(OrderEntity);
      const items = await repository.find({
        where,
        order: { [SORT_PROPERTIES[query.sortBy]]: direction, id: direction },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      });
      return { items, total: await repository.count({ where }) };
    });
  }

  // The built-in search backend: the generated search_vector (to_tsvector('simple', product_name)), GIN-indexed.
  search(query: OrderTextQuery, timeoutMs: number): Promise<{ ids: string[]; total: number }> {
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const where = `search_vector @@ websearch_to_tsquery('simple', $1)${query.ownerId ? ' AND user_id = $2' : ''}`;
    const filter = query.ownerId ? [query.q, query.ownerId] : [query.q];
    return withStatementTimeout(this.dataSource, timeoutMs, async (manager) => {
      const rows = await manager.query<Array<{ id: string }>>(
        `SELECT id FROM orders WHERE ${where} ORDER BY ${SORT_COLUMNS[query.sortBy]} ${direction}, id ${direction} LIMIT $${filter.length + 1} OFFSET $${filter.length + 2}`,
        [...filter, query.pageSize, (query.page - 1) * query.pageSize],
      );
      const [{ total }] = await manager.query<Array<{ total: number }>>(`SELECT count(*)::int AS total FROM orders WHERE ${where}`, filter);
      return { ids: rows.map((row) => row.id), total };
    });
  }

  // Keyset-paged walk over every order, for rebuilding a search index.
  // What a rebuild will stream, for its progress (a count, so a snapshot: rows written meanwhile may add a few).
  async countAll(): Promise<number> {
    const [{ count }] = await this.dataSource.query<Array<{ count: string }>>(`SELECT count(*)::text AS count FROM orders`);
    return Number(count);
  }

  async *streamAll(batchSize = 1000): AsyncGenerator<OrderEntity[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await this.dataSource
        .getRepository(OrderEntity)
        .createQueryBuilder('o')
        .where('o.id > :after', { after })
        .orderBy('o.id', 'ASC')
        .limit(batchSize)
        .getMany();
      if (batch.length === 0) return;
      yield batch;
      after = batch[batch.length - 1].id;
    }
  }
}
