import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { PageMeta } from '@app/contracts';

@ApiSchema({ name: 'PageMeta' })
export class PageMetaDto implements PageMeta {
  @ApiProperty({ minimum: 1 }) page: number;
  @ApiProperty({ minimum: 1, maximum: 100 }) page_size: number;
  @ApiProperty({ minimum: 0 }) total_count: number;
  @ApiProperty({ minimum: 0 }) total_pages: number;
}
