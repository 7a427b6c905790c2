import type { Client, estypes } from '@elastic/elasticsearch';
import { elasticsearchErrors } from './elasticsearch-errors.util';
import { DomainError } from '@app/common';
import { ContentIndexSource, ContentIndexWriter, ContentSearchQuery, ContentSearchReader, ContentSearchResult, IndexableContent } from '../content-search.port';
import { contentVersion, DELETED_VERSION, toContentDocument } from './content-documents.util';
import { CONTENT_INDEX, CONTENT_INDEX_BODY } from './content-index.mapping';
import { contentSearchRequest } from './content-search-request.util';
import { describeBulkItem, IndexCreator, pingCluster, totalHits } from './elasticsearch-index.util';

const CONFLICT = 409;
const NOT_FOUND = 404;
const RECONCILE_PAGE = 1000;

const statusOf = (error: unknown) => (error instanceof elasticsearchErrors().ResponseError ? error.statusCode : undefined);

// One document per item, its _id the content id, written with updated_at as its external version: a redelivered
// event rewrites the same state, an older one is refused (409, which is success here). Live writes refresh, so
// they are searchable as soon as they are acknowledged (content is written at human rates).
export class ElasticsearchContentIndexWriter implements ContentIndexWriter {
  readonly backend = 'elasticsearch' as const;
  private readonly creator: IndexCreator;

  constructor(
    private readonly client: Client,
    private readonly index: string = CONTENT_INDEX,
  ) {
    this.creator = new IndexCreator(client, index, CONTENT_INDEX_BODY);
  }

  async upsert(item: IndexableContent): Promise<void> {
    await this.creator.once();
    try {
      await this.client.index({
        index: this.index,
        id: item.id,
        version: contentVersion(item),
        version_type: 'external_gte',
        document: toContentDocument(item),
        refresh: true,
      });
    } catch (error) {
      if (statusOf(error) !== CONFLICT) throw error;
    }
  }

  // A delete of an id the index never had still leaves its tombstone, so a create delivered after it is refused.
  async remove(id: string): Promise<void> {
    await this.creator.once();
    try {
      await this.client.delete({ index: this.index, id, version: DELETED_VERSION, version_type: 'external_gte', refresh: true });
    } catch (error) {
      const status = statusOf(error);
      if (status !== NOT_FOUND && status !== CONFLICT) throw error;
    }
  }

  // Every stored item in batches (live events racing it are ordered by the same versions), then every indexed
  // id Postgres no longer has is removed: the index ends as Postgres is, whatever events were lost or late.
  async rebuild(source: ContentIndexSource): Promise<number> {
    await this.creator.now();
    let count = 0;
    for await (const batch of source.batches()) {
      if (batch.length === 0) continue;
      await this.write(batch);
      count += batch.length;
    }
    await this.client.indices.refresh({ index: this.index });
    await this.removeMissing(source);
    return count;
  }

  ping(): Promise<void> {
    return pingCluster(this.client);
  }

  private async write(items: IndexableContent[]): Promise<void> {
    const response = await this.client.bulk({
      index: this.index,
      operations: items.flatMap((item) => [{ index: { _id: item.id, version: contentVersion(item), version_type: 'external_gte' as const } }, toContentDocument(item)]),
    });
    if (!response.errors) return;
    throwOnFailures('indexing content', response, 'index');
  }

  private async removeMissing(source: ContentIndexSource): Promise<void> {
    let after: estypes.SortResults | undefined;
    for (;;) {
      const response = await this.client.search({
        index: this.index,
        size: RECONCILE_PAGE,
        sort: [{ id: { order: 'asc' } }],
        _source: false,
        query: { match_all: {} },
        ...(after && { search_after: after }),
      });
      const hits = response.hits.hits;
      if (hits.length === 0) return;
      const ids = hits.map((hit) => hit._id as string);
      const existing = await source.existingIds(ids);
      const gone = ids.filter((id) => !existing.has(id));
      if (gone.length > 0) {
        const deleted = await this.client.bulk({
          index: this.index,
          refresh: true,
          operations: gone.map((id) => ({ delete: { _id: id, version: DELETED_VERSION, version_type: 'external_gte' as const } })),
        });
        if (deleted.errors) throwOnFailures('removing deleted content', deleted, 'delete');
      }
      if (hits.length < RECONCILE_PAGE) return;
      after = hits[hits.length - 1].sort;
    }
  }
}

export class ElasticsearchContentSearchReader implements ContentSearchReader {
  readonly backend = 'elasticsearch' as const;

  constructor(
    private readonly client: Client,
    private readonly index: string = CONTENT_INDEX,
  ) {}

  async search(query: ContentSearchQuery): Promise<ContentSearchResult> {
    const response = await this.client.search({ index: this.index, ...contentSearchRequest(query) }, { requestTimeout: query.timeoutMs }).catch(asDomainError);
    return { ids: response.hits.hits.map((hit) => hit._id as string), total: totalHits(response) };
  }
}

// A slow or unreachable cluster is the caller's 504 or 503, as a slow or unreachable Postgres is.
function asDomainError(error: unknown): never {
  if (error instanceof elasticsearchErrors().TimeoutError) throw new DomainError('UPSTREAM_TIMEOUT', 'The search index did not answer in time');
  if (error instanceof elasticsearchErrors().ConnectionError || error instanceof elasticsearchErrors().NoLivingConnectionsError) {
    throw new DomainError('SERVICE_UNAVAILABLE', 'The search index is unavailable');
  }
  throw error;
}

// A refused version (409) is a newer state already there, and a delete of a missing id is done: neither fails.
function throwOnFailures(what: string, response: estypes.BulkResponse, action: 'index' | 'delete'): void {
  const failures = response.items
    .map((item) => item[action] as estypes.BulkResponseItem)
    .filter((item) => item.error && item.status !== CONFLICT && !(action === 'delete' && item.status === NOT_FOUND));
  if (failures.length > 0) throw new Error(`${what} failed for ${failures.length} document(s): ${failures.slice(0, 5).map(describeBulkItem).join('; ')}`);
}
