import { IsIn, IsInt, Max, Min } from 'class-validator';
import { ActorScoped } from '../../users/user.payloads';

export const ORDER_SORT_FIELDS = ['created_at', 'amount'] as const;
export type OrderSortBy = (typeof ORDER_SORT_FIELDS)[number];

// Reply: Page<OrderView>, the actor's own orders (an admin's: everyone's), ordered by sort_by then id.
export class ListOrdersPayload extends ActorScoped {
  @IsInt() @Min(1) @Max(1_000_000) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
  @IsIn(ORDER_SORT_FIELDS) sort_by: OrderSortBy;
  @IsIn(['asc', 'desc']) order: 'asc' | 'desc';
}
