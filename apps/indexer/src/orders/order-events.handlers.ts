import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, ValidateNested } from 'class-validator';
import { DomainEventEnvelope, ORDER_EVENTS, OrderDocument, OrdersStoredEventData } from '@app/contracts';
import { ORDER_INDEX_WRITER, OrderIndexWriter } from '@app/search';
import { IndexLagRecorder } from '../events/index-lag.recorder';

// The orders inside are core's own rows, checked by the writer's strict mapping: validating each one here
// again (thousands a second) would buy nothing.
class OrdersStoredDataDto implements OrdersStoredEventData {
  @IsArray() @ArrayMaxSize(100_000) @IsObject({ each: true }) orders: OrderDocument[];
}

class OrdersStoredEventDto extends DomainEventEnvelope<OrdersStoredDataDto> {
  @ValidateNested() @Type(() => OrdersStoredDataDto) declare data: OrdersStoredDataDto;
}

// Puts stored orders into the search index. One event is one committed batch; each document's id is its order
// id, so a redelivered event rewrites the same documents and no order is ever indexed twice.
@Controller()
export class OrderEventsHandlers {
  constructor(
    @Inject(ORDER_INDEX_WRITER) private readonly index: OrderIndexWriter,
    private readonly lag: IndexLagRecorder,
  ) {}

  @EventPattern(ORDER_EVENTS.stored)
  async stored(@Payload() event: OrdersStoredEventDto): Promise<void> {
    await this.index.index(event.data.orders);
    this.lag.record(event.event_type, event.timestamp);
  }
}
