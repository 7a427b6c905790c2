import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FindOrderByKeyPayload, GetOrderPayload, ListOrdersPayload, ORDER_PATTERNS, SearchOrdersPayload } from '@app/contracts';
import { OrdersQueryService } from './orders-query.service';

// The orders reads over RPC. Writes do not come this way: they arrive on QUEUES.orders (OrdersConsumer).
@Controller()
export class OrdersHandlers {
  constructor(private readonly queries: OrdersQueryService) {}

  @MessagePattern(ORDER_PATTERNS.get)
  get(@Payload() payload: GetOrderPayload) {
    return this.queries.get(payload.actor, payload.id);
  }

  @MessagePattern(ORDER_PATTERNS.byKey)
  byKey(@Payload() payload: FindOrderByKeyPayload) {
    return this.queries.byKey(payload);
  }

  @MessagePattern(ORDER_PATTERNS.list)
  list(@Payload() payload: ListOrdersPayload) {
    return this.queries.list(payload);
  }

  @MessagePattern(ORDER_PATTERNS.search)
  search(@Payload() payload: SearchOrdersPayload) {
    return this.queries.find(payload);
  }
}
