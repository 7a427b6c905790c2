import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DailySales, DailySalesReply, SALES_DAYS, SalesViewRefreshed } from '@app/contracts';

export class SalesQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: SALES_DAYS.min,
    maximum: SALES_DAYS.max,
    default: SALES_DAYS.default,
    description: 'How many UTC days: today and the days - 1 before it',
  })
  @IsOptional()
  // Digits only: "1.5", "1e2", "0x10", " 7" or a repeated parameter stay strings (or arrays) and fail IsInt.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,4}$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(SALES_DAYS.min)
  @Max(SALES_DAYS.max)
  days: number = SALES_DAYS.default;
}

@ApiSchema({ name: 'DailySales' })
export class DailySalesDto implements DailySales {
  @ApiProperty({ format: 'date', example: '2026-12-01', description: 'The UTC day (by each order’s created_at)' }) sale_date: string;
  @ApiProperty({ minimum: 0, example: 1234.5, description: 'Sum of that day’s order amounts' }) total_revenue: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 42 }) order_count: number;
}

@ApiSchema({ name: 'DailySalesList' })
export class DailySalesListDto implements DailySalesReply {
  @ApiProperty({ type: [DailySalesDto], description: 'Newest day first; days without orders have no entry' }) data: DailySalesDto[];
}

@ApiSchema({ name: 'SalesViewRefreshed' })
export class SalesViewRefreshedDto implements SalesViewRefreshed {
  @ApiProperty({ format: 'date-time', description: 'When the refresh committed' }) refreshed_at: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How long REFRESH MATERIALIZED VIEW CONCURRENTLY took' }) duration_ms: number;
}
