import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ContentSearchSortBy } from '@app/contracts';
import { ContentItemEntity } from '../entities/content-item.entity';
import { withStatementTimeout } from '../statement-timeout.util';

export interface ContentTextQuery {
  q: string; // websearch syntax
  page: number;
  pageSize: number;
  sortBy: ContentSearchSortBy;
  order: 'asc' | 'desc';
}

const MATCHES = `search_vector @@ websearch_to_tsquery('simple', $1)`;

// The content search's SQL: the built-in backend over the generated search_vector (GIN-indexed) and the walk a
// search index rebuild reads. The items a search found are loaded by ContentItemsRepository.findWithAuthorsInOrder.
@Injectable()
export class ContentSearchRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Relevance is ts_rank with the column's weights (a title match outranks a content match), then the newest, then
  // the id, all in one direction; created_at sorts by time then id only.
  search(query: ContentTextQuery, timeoutMs: number): Promise<{ ids: string[]; total: number }> {
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const rank = query.sortBy === 'relevance' ? `ts_rank(search_vector, websearch_to_tsquery('simple', $1)) ${direction}, ` : '';
    return withStatementTimeout(this.dataSource, timeoutMs, async (manager) => {
      const rows = await manager.query<Array<{ id: string }>>(
        `SELECT id FROM content_items WHERE ${MATCHES} ORDER BY ${rank}created_at ${direction}, id ${direction} LIMIT $2 OFFSET $3`,
        [query.q, query.pageSize, (query.page - 1) * query.pageSize],
      );
      const [{ total }] = await manager.query<Array<{ total: number }>>(`SELECT count(*)::int AS total FROM content_items WHERE ${MATCHES}`, [query.q]);
      return { ids: rows.map((row) => row.id), total };
    });
  }

  // Keyset-paged walk over every content item, for rebuilding a search index.
  // What a rebuild will stream, for its progress (a count, so a snapshot: rows written meanwhile may add a few).
  async countAll(): Promise<number> {
    const [{ count }] = await this.dataSource.query<Array<{ count: string }>>(`SELECT count(*)::text AS count FROM content_items`);
    return Number(count);
  }

  async *streamAll(batchSize = 500): AsyncGenerator<ContentItemEntity[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const batch = await this.dataSource
        .getRepository(ContentItemEntity)
        .createQueryBuilder('c')
        .where('c.id > :after', { after })
        .orderBy('c.id', 'ASC')
        .limit(batchSize)
        .getMany();
      if (batch.length === 0) return;
      yield batch;
      after = batch[batch.length - 1].id;
    }
  }

  // Which of `ids` are still stored: a rebuild removes the others from the index.
  async existingIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource.query<Array<{ id: string }>>(`SELECT id FROM content_items WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((row) => row.id));
  }
}
