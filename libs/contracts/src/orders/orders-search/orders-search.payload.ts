import { IsString, MaxLength, MinLength } from 'class-validator';
import { ListOrdersPayload } from '../orders-list/orders-list.payload';

// Reply: Page<OrderView>: full text (websearch syntax) on product_name, within what the actor may list.
export class SearchOrdersPayload extends ListOrdersPayload {
  @IsString() @MinLength(1) @MaxLength(200) q: string;
}
