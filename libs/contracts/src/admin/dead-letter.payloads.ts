import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

// What an admin filters dead letters by, on the server: every field narrows the set, all of them together.
export class DeadLetterFilter {
  @ApiPropertyOptional({ maxLength: 255, description: 'the queue the message died in, exactly', example: 'core.orders' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  queue?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'the RPC or event pattern; `*` matches any run of characters', example: 'orders.*' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[A-Za-z0-9._:*-]+$/, { message: 'pattern may hold letters, digits, . _ : - and *' })
  pattern?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'text found (case-insensitively) in the reason, the headers or the body' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  text?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'dead-lettered at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'dead-lettered before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class ListDeadLettersPayload extends DeadLetterFilter {
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
}

export class GetDeadLetterPayload {
  @IsUUID('all') id: string;
}

export class ReplayDeadLettersPayload {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: 1000, description: 'the letters to replay; omitted (and no filter): every pending one' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ type: DeadLetterFilter, description: 'replay the pending letters that match (with `ids`: those of them that match)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeadLetterFilter)
  filter?: DeadLetterFilter;

  @ApiPropertyOptional({ default: false, description: 'count what would be replayed, replay nothing' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
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

export interface DeadLetterDetail extends DeadLetterView {
  exchange: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface ReplayResult {
  dry_run: boolean;
  matched: number; // pending letters matching the request (before this replay)
  replayed: number;
  ids: string[];
}

// Core's part of the console's overview: what only Postgres knows.
export interface CoreOverview {
  dead_letters: number; // pending
  outbox: { pending: number; oldest_age_seconds: number | null };
  sales_view: { refreshed_at: string | null; age_seconds: number | null };
}
