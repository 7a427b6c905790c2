import { OrderDocument, OrderFields, OrderPlacement, OrderStatus, OrderView, toOrderView } from '@app/contracts';
import { OrderEntity } from '@app/persistence';

export function entityFields(order: OrderEntity): OrderFields {
  return {
    id: order.id,
    product_name: order.productName,
    // numeric(14, 2) arrives as an exact string; every value it can hold is a double with the same 2 decimals.
    amount: Number(order.amount),
    currency: order.currency,
    plan_id: order.planId,
    created_at: order.createdAt.toISOString(),
  };
}

export function placementFields(order: OrderPlacement): OrderFields {
  return {
    id: order.id.toLowerCase(),
    product_name: order.product_name,
    amount: Number(order.amount),
    currency: order.currency,
    plan_id: order.plan_id,
    created_at: new Date(order.created_at).toISOString(),
  };
}

export function toView(order: OrderEntity, status: OrderStatus = 'stored'): OrderView {
  return toOrderView(entityFields(order), status);
}

export function placementDocument(order: OrderPlacement): OrderDocument {
  const { id, product_name, amount, currency, plan_id, created_at } = placementFields(order);
  return { id, user_id: order.user_id.toLowerCase(), product_name, amount, currency, plan_id, created_at };
}

export function entityDocument(order: OrderEntity): OrderDocument {
  const { id, product_name, amount, currency, plan_id, created_at } = entityFields(order);
  return { id, user_id: order.userId, product_name, amount, currency, plan_id, created_at };
}
