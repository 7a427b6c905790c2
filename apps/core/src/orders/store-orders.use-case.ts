import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ORDER_EVENTS, OrderPlacement, OrdersStoredEventData, toOrderView } from '@app/contracts';
import { AuditRepository, NewAuditEvent, OrdersRepository, OutboxRepository, withStatementTimeout } from '@app/persistence';
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
}

// One batch of orders in one transaction: a single multi-row INSERT ... ON CONFLICT (id) DO NOTHING and, for
// the rows it really inserted, one order.stored outbox event (an external search index's feed, when enabled). A redelivered order
// inserts nothing and emits nothing, so it never makes a second row or a second search document. After the
// commit the cache says `stored`; the caller acks the messages only after that.
@Injectable()
export class StoreOrdersUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersRepository,
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
    const inserted = await withStatementTimeout(this.dataSource, this.config.ORDERS_WRITE_TIMEOUT_MS, async (tx) => {
      const ids = await this.orders.insertMany(tx, batch);
      // One audit event per order really inserted, all in one multi-row INSERT of this transaction.
      await this.audit.record(
        tx,
        batch.filter((order) => ids.has(order.id.toLowerCase())).map((order) => orderCreated(order, origins?.get(order))),
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
    return { inserted: stored.length, duplicates: orders.length - stored.length, transactionMs: committed - started, cacheMs: performance.now() - committed };
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
