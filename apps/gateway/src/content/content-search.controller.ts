import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CONTENT_PATTERNS, ContentView, Page, SearchContentPayload } from '@app/contracts';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiPageOf } from '../http/openapi/api-docs.decorators';
import { RequestId } from '../http/request-id.decorator';
import { SearchContentQueryDto } from './dto/content-search-query.dto';

// Any authenticated role may search; the items come back as every content list shows them (author {id, name}).
@ApiTags('content')
@ApiAuthenticated()
@Controller('content')
export class ContentSearchController {
  constructor(private readonly core: CoreClient) {}

  @Get('search')
  @ApiPageOf(ContentView)
  search(@Query() query: SearchContentQueryDto, @RequestId() requestId: string): Promise<Page<ContentView>> {
    const payload: SearchContentPayload = { q: query.q, page: query.page, page_size: query.page_size, sort_by: query.sort_by, order: query.order };
    return this.core.send(CONTENT_PATTERNS.search, payload, requestId);
  }
}
