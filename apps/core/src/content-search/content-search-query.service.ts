import { Inject, Injectable } from '@nestjs/common';
import { ContentView, Page, pageMeta, SearchContentPayload } from '@app/contracts';
import { ContentItemsRepository } from '@app/persistence';
import { CONTENT_SEARCH_READER, ContentSearchReader } from '@app/search';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { toContentView } from '../content/content.mapper';

@Injectable()
export class ContentSearchQueryService {
  constructor(
    @Inject(CONTENT_SEARCH_READER) private readonly reader: ContentSearchReader,
    private readonly content: ContentItemsRepository,
    @Inject(CORE_CONFIG) private readonly config: Pick<CoreConfig, 'CONTENT_SEARCH_TIMEOUT_MS'>,
  ) {}

  // Ids from whichever backend serves search, the items from Postgres: the author's current name, and an item
  // deleted a moment ago (an index a little behind) left out rather than shown.
  async search(query: SearchContentPayload): Promise<Page<ContentView>> {
    const timeoutMs = this.config.CONTENT_SEARCH_TIMEOUT_MS;
    const { ids, total } = await this.reader.search({ q: query.q, page: query.page, pageSize: query.page_size, sortBy: query.sort_by, order: query.order, timeoutMs });
    const items = await this.content.findWithAuthorsInOrder(ids, timeoutMs);
    return { data: items.map(toContentView), meta: pageMeta(query.page, query.page_size, total) };
  }
}
