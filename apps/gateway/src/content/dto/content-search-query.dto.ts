import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CONTENT_SEARCH_SORT_FIELDS, ContentSearchSortBy } from '@app/contracts';
import { PaginationQueryDto } from '../../http/pagination.dto';

export class SearchContentQueryDto extends PaginationQueryDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'full text over title and content: words (all must match), "a phrase", or, -word' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q: string;

  @ApiPropertyOptional({
    enum: CONTENT_SEARCH_SORT_FIELDS,
    default: 'relevance',
    description: 'relevance: title matches above content matches, then the newest, then id; created_at: then id. `order` applies to every key',
  })
  @IsOptional()
  @IsIn(CONTENT_SEARCH_SORT_FIELDS)
  sort_by: ContentSearchSortBy = 'relevance';
}
