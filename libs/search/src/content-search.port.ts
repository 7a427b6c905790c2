import { ContentChangedEventData, ContentSearchSortBy } from '@app/contracts';

export interface ContentSearchQuery {
  q: string; // websearch syntax, over title and content
  page: number;
  pageSize: number;
  sortBy: ContentSearchSortBy;
  order: 'asc' | 'desc';
  timeoutMs: number;
}

export interface ContentSearchResult {
  ids: string[];
  total: number;
}

// A content item as the index receives it: the data of content.created / content.updated, or a row read back
// for a rebuild. updated_at orders the writes of one item.
export type IndexableContent = ContentChangedEventData;

// What a rebuild reads from Postgres: every item in batches, then which of the indexed ids are still stored.
export interface ContentIndexSource {
  batches(): AsyncIterable<IndexableContent[]>;
  existingIds(ids: string[]): Promise<Set<string>>;
}

// Writes to the search index, driven by content events (indexer) and by a rebuild (admin reindex). A write never
// puts an item back to an older state than the index has (by updated_at), and a removed item stays removed.
export interface ContentIndexWriter {
  readonly backend: 'postgres' | 'elasticsearch';
  upsert(item: IndexableContent): Promise<void>;
  remove(id: string): Promise<void>;
  rebuild(source: ContentIndexSource): Promise<number>;
  ping(): Promise<void>;
}

// Ids of the matching items in the requested order, and the total; callers load the items from Postgres, so
// results look the same whichever backend found them.
export interface ContentSearchReader {
  readonly backend: 'postgres' | 'elasticsearch';
  search(query: ContentSearchQuery): Promise<ContentSearchResult>;
}

export const CONTENT_INDEX_WRITER = Symbol('CONTENT_INDEX_WRITER');
export const CONTENT_SEARCH_READER = Symbol('CONTENT_SEARCH_READER');
