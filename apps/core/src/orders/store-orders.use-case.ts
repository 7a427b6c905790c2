import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ORDER_EVENTS, OrderPlacement, OrdersStoredEventData, toOrderView } from '@app/contracts';
import { AuditRepository, NewAuditEvent, OrdersRepository, OutboxRepository, UsersRepository, withStatementTimeout } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { domainEvent } from '../messaging/event.factory';
import { OrderCacheWriter } from './order-cache.writer';
import { placementDocument, placementFields } from './order.mapper';

// The request an order came in with (from its message's headers).
export interface OrderOrigin {
  requestId: string | null;
  ip: string | null;
}

export interface StoreOutcome {
  inserted: number;
  duplicates: number;
  transactionMs: number;
  cacheMs: number;
  // Users no longer active (deleted): their orders were not stored; the consumer dead-letters their messages.
  refusedUsers: Set<string>;
}

// One batch of orders in one transaction: a single multi-row INSERT ... ON CONFLICT (id) DO NOTHING and, for
// the rows it really inserted, one order.stored outbox event (an external search index's feed, when enabled). A redelivered order
// inserts nothing and emits nothing, so it never makes a second row or a second search document. After the
// commit the cache says `stored`; the caller acks the messages only after that. Orders of a user who is no longer
// active (deleted after the gateway accepted them) are not stored: they are returned as refused.
@Injectable()
export class StoreOrdersUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersRepository,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly cache: OrderCacheWriter,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  async execute(orders: OrderPlacement[], origins?: ReadonlyMap<OrderPlacement, OrderOrigin>): Promise<StoreOutcome> {
    // The same order twice in one batch (a retried publish) is one row: keep the first.
    const byId = new Map<string, OrderPlacement>();
    for (const order of orders) if (!byId.has(order.id.toLowerCase())) byId.set(order.id.toLowerCase(), order);
    const batch = [...byId.values()];
    const started = performance.now();
    const refusedUsers = new Set<string>();
    const inserted = await withStatementTimeout(this.dataSource, this.config.ORDERS_WRITE_TIMEOUT_MS, async (tx) => {
      const live = await this.users.lockLiveIds(tx, [...new Set(batch.map((order) => order.user_id.toLowerCase()))]);
      const accepted = batch.filter((order) => live.has(order.user_id.toLowerCase()));
      for (const order of batch) if (!live.has(order.user_id.toLowerCase())) refusedUsers.add(order.user_id.toLowerCase());
      const ids = accepted.length > 0 ? await this.orders.insertMany(tx, accepted) : new Set<string>();
      // One audit event per order really inserted, all in one multi-row INSERT of this transaction.
      await this.audit.record(
        tx,
        accepted.filter((order) => ids.has(order.id.toLowerCase())).map((order) => orderCreated(order, origins?.get(order))),
      );
      if (ids.size > 0 && this.config.orderStoredEvents) {
        const data: OrdersStoredEventData = { orders: batch.filter((order) => ids.has(order.id.toLowerCase())).map(placementDocument) };
        await this.outbox.add(tx, domainEvent('order', data.orders[0].id, ORDER_EVENTS.stored, data));
      }
      return ids;
    });
    const committed = performance.now();
    const stored = batch.filter((order) => inserted.has(order.id.toLowerCase()));
    const dropped = batch.filter((order) => !inserted.has(order.id.toLowerCase())).map((order) => order.id.toLowerCase());
    await this.cache.stored(
      stored.map((order) => {
        const fields = placementFields(order);
        return { id: fields.id, ownerId: order.user_id.toLowerCase(), viewJson: JSON.stringify(toOrderView(fields, 'stored')) };
      }),
      dropped,
    );
    const refused = orders.filter((order) => refusedUsers.has(order.user_id.toLowerCase())).length;
    return {
      inserted: stored.length,
      duplicates: orders.length - stored.length - refused,
      transactionMs: committed - started,
      cacheMs: performance.now() - committed,
      refusedUsers,
    };
  }
}

function orderCreated(order: OrderPlacement, origin: OrderOrigin | undefined): NewAuditEvent {
  return {
    action: 'order.created',
    outcome: 'success',
    actor: { id: order.user_id.toLowerCase(), role: null },
    target: { type: 'order', id: order.id.toLowerCase() },
    requestId: origin?.requestId ?? null,
    ip: origin?.ip ?? null,
    details: {},
  };
}
