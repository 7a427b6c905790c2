import { IsString, IsUUID, MaxLength } from 'class-validator';
import { OrderView } from '../order.view';

// The gateway's question when Redis may have lost an Idempotency-Key record: is the order this key names
// (its name-based id) already stored, and for which request body?
export class FindOrderByKeyPayload {
  @IsUUID() user_id: string;
  @IsString() @MaxLength(255) idempotency_key: string;
  @IsUUID() id: string;
}

// Reply: `order` null when no such order is stored; else the view as the original 202 showed it (`accepted`)
// and the hash of the request body that created it.
export type OrderByKeyReply = { order: OrderView; request_hash: string } | { order: null; request_hash: null };
