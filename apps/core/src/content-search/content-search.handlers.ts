import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CONTENT_PATTERNS, SearchContentPayload } from '@app/contracts';
import { ContentSearchQueryService } from './content-search-query.service';

@Controller()
export class ContentSearchHandlers {
  constructor(private readonly queries: ContentSearchQueryService) {}

  @MessagePattern(CONTENT_PATTERNS.search)
  search(@Payload() payload: SearchContentPayload) {
    return this.queries.search(payload);
  }
}
