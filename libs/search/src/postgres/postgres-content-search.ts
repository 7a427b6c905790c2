import { ContentSearchRepository } from '@app/persistence';
import { ContentIndexSource, ContentIndexWriter, ContentSearchQuery, ContentSearchReader, ContentSearchResult, IndexableContent } from '../content-search.port';

// The built-in backend is the content_items table itself: its generated search_vector is written by the row's own
// INSERT or UPDATE and goes with its DELETE, so a write is searchable (or gone) from its commit, with nothing to sync.
export class PostgresContentSearchReader implements ContentSearchReader {
  readonly backend = 'postgres' as const;

  constructor(private readonly content: ContentSearchRepository) {}

  search({ timeoutMs, ...query }: ContentSearchQuery): Promise<ContentSearchResult> {
    return this.content.search(query, timeoutMs);
  }
}

// Nothing to write: see the reader. Content events are still consumed (and their lag measured), so switching to
// Elasticsearch changes no flow.
export class PostgresContentIndexWriter implements ContentIndexWriter {
  readonly backend = 'postgres' as const;

  async upsert(_item: IndexableContent): Promise<void> {}

  async remove(_id: string): Promise<void> {}

  async rebuild(source: ContentIndexSource): Promise<number> {
    let count = 0;
    for await (const batch of source.batches()) count += batch.length;
    return count;
  }

  async ping(): Promise<void> {}
}
