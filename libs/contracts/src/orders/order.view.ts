import { ApiProperty } from '@nestjs/swagger';

export const ORDER_STATUSES = ['accepted', 'stored'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

// The public order shape. `accepted`: durable in the broker, not yet in Postgres; `stored`: in Postgres.
export class OrderView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ORDER_STATUSES, description: '`accepted` once durable (the 202), `stored` once in PostgreSQL' }) status: OrderStatus;
  @ApiProperty({ minLength: 1, maxLength: 200 }) product_name: string;
  @ApiProperty({ type: 'number', minimum: 0.01, description: 'at most 2 decimals' }) amount: number;
  @ApiProperty({ minLength: 3, maxLength: 3, description: 'ISO 4217 code', example: 'USD' }) currency: string;
  @ApiProperty({ type: String, nullable: true }) plan_id: string | null;
  @ApiProperty({ format: 'date-time', description: 'assigned by the gateway when it accepted the order' }) created_at: string;
}

export interface OrderFields {
  id: string;
  product_name: string;
  amount: number;
  currency: string;
  plan_id: string | null;
  created_at: string;
}

// The one place the view is built, so the gateway's 202, its replay of that 202 and core's reads are
// byte-for-byte the same JSON (same keys in the same order).
export function toOrderView(order: OrderFields, status: OrderStatus): OrderView {
  return {
    id: order.id,
    status,
    product_name: order.product_name,
    amount: order.amount,
    currency: order.currency,
    plan_id: order.plan_id,
    created_at: order.created_at,
  };
}
