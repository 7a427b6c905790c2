import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class ListDeadLettersPayload {
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
}

export class ReplayDeadLettersPayload {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 1000, description: 'the letters to replay; omitted: every pending one' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  ids?: string[];
}

export interface DeadLetterView {
  id: string;
  queue: string;
  routing_key: string;
  pattern: string | null;
  reason: string;
  message_id: string | null;
  payload: unknown;
  dead_lettered_at: string;
  replay_count: number;
}

export interface ReplayResult {
  replayed: number;
  ids: string[];
}
