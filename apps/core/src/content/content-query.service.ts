import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { contentListSuffix, ContentReply, ListContentPayload, Page, pageMeta } from '@app/contracts';
import { ContentItemsRepository, ContentWithAuthor } from '@app/persistence';
import { ContentCacheFiller } from './content-cache.filler';
import { ContentCacheStore } from './content-cache.store';
import { ContentMetrics } from './content.metrics';
import { toContentReply, toContentView } from './content.mapper';

export const contentNotFound = () => new DomainError('CONTENT_NOT_FOUND', 'Content not found');

type CachedReply = ContentReply | 'deleted';

// Content reads, cache first. The gateway answers most hits itself (cache fast path); core is asked on a miss, and
// checks the cache again (it may have been filled meanwhile) before a single-flight fill from PostgreSQL. With
// Redis unreachable it answers from PostgreSQL: BYPASS.
@Injectable()
export class ContentQueryService {
  constructor(
    private readonly contents: ContentItemsRepository,
    private readonly cache: ContentCacheStore,
    private readonly filler: ContentCacheFiller,
    private readonly metrics: ContentMetrics,
  ) {}

  async get(id: string): Promise<ContentReply> {
    let lookup: Awaited<ReturnType<ContentCacheStore['lookupItem']>>;
    try {
      lookup = await this.cache.lookupItem(id);
    } catch {
      this.metrics.databaseReads.inc({ kind: 'item', reason: 'bypass' });
      return { ...toContentReply(await this.find(id)), cache: 'BYPASS' };
    }
    if (lookup.item === 'deleted') throw contentNotFound();
    if (lookup.item) return { ...lookup.item, cache: 'HIT' };
    const filled = await this.filler.fill<ContentWithAuthor, CachedReply>({
      kind: 'item',
      key: `item:${id}:${lookup.generation}`,
      readCache: () => this.cache.readItem(id),
      load: () => this.find(id),
      store: (found) => this.cache.fillItem(found.item, found.author),
      present: toContentReply,
    });
    if (filled.value === 'deleted') throw contentNotFound();
    return { ...filled.value, cache: filled.source === 'cache' ? 'HIT' : 'MISS' };
  }

  async list(query: ListContentPayload): Promise<ContentReply> {
    const suffix = contentListSuffix(query);
    let read: Awaited<ReturnType<ContentCacheStore['readList']>>;
    try {
      read = await this.cache.readList(suffix);
    } catch {
      this.metrics.databaseReads.inc({ kind: 'list', reason: 'bypass' });
      return { body: await this.page(query), cache: 'BYPASS' };
    }
    if (read.body) return { body: read.body, cache: 'HIT' };
    const { generation } = read;
    const filled = await this.filler.fill<string, string>({
      kind: 'list',
      key: `list:${generation}:${suffix}`,
      readCache: () => this.cache.readListAt(generation, suffix),
      load: () => this.page(query),
      store: (body) => this.cache.fillList(generation, suffix, body),
      present: (body) => body,
    });
    return { body: filled.value, cache: filled.source === 'cache' ? 'HIT' : 'MISS' };
  }

  private async find(id: string): Promise<ContentWithAuthor> {
    const found = await this.contents.findWithAuthor(id);
    if (!found) throw contentNotFound();
    return found;
  }

  private async page(query: ListContentPayload): Promise<string> {
    const { items, total } = await this.contents.listPage({ page: query.page, pageSize: query.page_size, sortBy: query.sort_by, order: query.order });
    const page: Page<ReturnType<typeof toContentView>> = { data: items.map(toContentView), meta: pageMeta(query.page, query.page_size, total) };
    return JSON.stringify(page);
  }
}
