import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ORDER_SORT_FIELDS, OrderSortBy } from '@app/contracts';
import { PaginationQueryDto } from '../../http/pagination.dto';

export class ListOrdersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ORDER_SORT_FIELDS, default: 'created_at', description: 'then by id, in the same direction' })
  @IsOptional()
  @IsIn(ORDER_SORT_FIELDS)
  sort_by: OrderSortBy = 'created_at';
}

export class SearchOrdersQueryDto extends ListOrdersQueryDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'full text on product_name: words (all must match), "a phrase", or, -word' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q: string;
}
