import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PLAN_INTEGER_MAXIMUM, PLAN_SORT_FIELDS, PlanSortBy } from '@app/contracts';
import { PaginationQueryDto } from '../../http/pagination.dto';

export class ListPlansQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: PLAN_SORT_FIELDS, default: 'created_at' })
  @IsOptional()
  @IsIn(PLAN_SORT_FIELDS)
  sort_by: PlanSortBy = 'created_at';
}

// An optional non-negative integer query parameter within the stored range ("10" -> 10; "1.5", "-1", "x", "1e10" -> 400).
const OptionalAmount = () =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 0, maximum: PLAN_INTEGER_MAXIMUM, type: 'integer' }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(PLAN_INTEGER_MAXIMUM),
  );

export class SearchPlansQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'full text over service names, planType and _org' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) planType?: string;

  @ApiPropertyOptional({ description: "the plan's _org" }) @IsOptional() @IsString() @MaxLength(255) org?: string;

  @ApiPropertyOptional({ description: 'plans having a linked service with this name (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  serviceName?: string;

  @OptionalAmount() minCopay?: number;
  @OptionalAmount() maxCopay?: number;
  @OptionalAmount() minDeductible?: number;
  @OptionalAmount() maxDeductible?: number;
}
