import { IsUUID } from 'class-validator';
import { ActorScoped } from '../../users/user.payloads';

// Reply: OrderView (status `stored`); NOT_FOUND when it is not in Postgres or not the actor's (unless admin).
export class GetOrderPayload extends ActorScoped {
  @IsUUID() id: string;
}
