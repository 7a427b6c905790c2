import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { DeadLetterDetail, DeadLetterView, ReplayResult } from '@app/contracts';

const ANY_JSON = [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }];

@ApiSchema({ name: 'DeadLetter' })
export class DeadLetterViewDto implements DeadLetterView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'the queue the message died in' }) queue: string;
  @ApiProperty() routing_key: string;
  @ApiProperty({ type: String, nullable: true, description: 'the RPC or event pattern, when known' }) pattern: string | null;
  @ApiProperty({ description: 'why it was dead-lettered (rejected, expired, ...)' }) reason: string;
  @ApiProperty({ type: String, nullable: true }) message_id: string | null;
  @ApiProperty({ description: 'the message body: parsed JSON, or the raw text', anyOf: ANY_JSON }) payload: unknown;
  @ApiProperty({ format: 'date-time' }) dead_lettered_at: string;
  @ApiProperty({ minimum: 0 }) replay_count: number;
}

@ApiSchema({ name: 'DeadLetterDetail' })
export class DeadLetterDetailDto extends DeadLetterViewDto implements DeadLetterDetail {
  @ApiProperty() exchange: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the AMQP headers it carried (x-death removed)' }) headers: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'content type and correlation id' }) properties: Record<string, unknown>;
}

@ApiSchema({ name: 'ReplayResult' })
export class ReplayResultDto implements ReplayResult {
  @ApiProperty({ description: 'true: nothing was replayed, `matched` is what would be' }) dry_run: boolean;
  @ApiProperty({ minimum: 0, description: 'pending letters matching the request, before this replay' }) matched: number;
  @ApiProperty({ minimum: 0 }) replayed: number;
  @ApiProperty({ type: [String], format: 'uuid', description: 'the letters replayed' }) ids: string[];
}
