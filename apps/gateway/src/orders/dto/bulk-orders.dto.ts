import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { MAX_ORDERS_PER_MESSAGE } from '@app/contracts';
import { CreateOrderDto } from './create-order.dto';

// The items are checked one by one by the controller (validateOrders), so that a failure names its index.
@ApiSchema({ name: 'BulkOrders' })
export class BulkOrdersDto {
  @ApiProperty({ type: [CreateOrderDto], minItems: 1, maxItems: MAX_ORDERS_PER_MESSAGE, description: 'all valid, or none is accepted' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDERS_PER_MESSAGE)
  orders: unknown[];
}

@ApiSchema({ name: 'BulkOrdersAccepted' })
export class BulkOrdersAcceptedDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'the ids of the accepted orders, in the order sent' }) ids: string[];
}
