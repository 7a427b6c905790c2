import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { ProviderEventView } from '@app/contracts';

const BOUND =
  'YYYY-MM-DD, or an ISO 8601 date-time YYYY-MM-DDTHH:MM[:SS[.fff]] with an optional offset (Z or ±HH:MM). Without an offset it is ' +
  'wall-clock time in PROVIDER_TIMEZONE (default Europe/Madrid): a time the clocks skip at a DST change is a 400, a repeated one ' +
  'is taken at its most inclusive instant.';

// Only these two parameters: any other is a 400 (the strict validation pipe), and so is a repeated one.
export class SearchEventsQueryDto {
  @ApiPropertyOptional({
    description: `Events starting at or after this instant (inclusive). ${BOUND} A bare date is the first instant of that local day.`,
    example: '2021-06-30T21:00:00',
  })
  @IsOptional()
  @IsString()
  starts_at?: string;

  @ApiPropertyOptional({
    description: `Events ending at or before this instant (inclusive). ${BOUND} A bare date is the last instant of that local day.`,
    example: '2021-07-31',
  })
  @IsOptional()
  @IsString()
  ends_at?: string;
}

@ApiSchema({ name: 'ProviderEvent' })
export class ProviderEventDto implements ProviderEventView {
  @ApiProperty({ format: 'uuid', description: 'Stable across syncs and restarts: a name-based UUID of base_plan_id:plan_id' }) id: string;
  @ApiProperty({ example: 'Camela en concierto' }) title: string;
  @ApiProperty({ format: 'date', example: '2021-06-30', description: 'Provider-local date (PROVIDER_TIMEZONE)' }) start_date: string;
  @ApiProperty({ pattern: '^\\d{2}:\\d{2}:\\d{2}$', example: '21:00:00', description: 'Provider-local time, HH:MM:SS' }) start_time: string;
  @ApiProperty({ format: 'date', example: '2021-06-30' }) end_date: string;
  @ApiProperty({ pattern: '^\\d{2}:\\d{2}:\\d{2}$', example: '22:00:00' }) end_time: string;
  @ApiProperty({ minimum: 0, example: 15, description: "The cheapest of the plan's zones" }) min_price: number;
  @ApiProperty({ minimum: 0, example: 30, description: "The dearest of the plan's zones" }) max_price: number;
}

@ApiSchema({ name: 'ProviderEventList' })
export class ProviderEventListDto {
  @ApiProperty({ type: [ProviderEventDto], description: 'Every plan ever sold online within the range, by start then id' }) events: ProviderEventDto[];
}

@ApiSchema({ name: 'ProviderEventsEnvelope' })
export class ProviderEventsEnvelopeDto {
  @ApiProperty({ type: ProviderEventListDto }) data: ProviderEventListDto;
  @ApiProperty({ type: 'object', additionalProperties: false, nullable: true, example: null, description: 'Always null on success' }) error: null;
}
