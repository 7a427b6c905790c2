import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ContentItemEntity } from '../entities/content-item.entity';
import { withStatementTimeout } from '../statement-timeout.util';

// An author as content shows them: the id and name, plus the user's version that orders cache writes of the name.
export interface ContentAuthor {
  id: string;
  name: string;
  version: number;
}

export interface ContentWithAuthor {
  item: ContentItemEntity;
  author: ContentAuthor;
}

export type ContentSortField = 'created_at' | 'updated_at' | 'title';

export interface ContentPageQuery {
  page: number;
  pageSize: number;
  sortBy: ContentSortField;
  order: 'asc' | 'desc';
}

// Identifiers from fixed maps only; every value is a parameter.
const SORT_COLUMNS: Record<ContentSortField, string> = { created_at: 'c.created_at', updated_at: 'c.updated_at', title: 'c.title' };
const DIRECTIONS = { asc: 'ASC', desc: 'DESC' } as const;

const SELECT_WITH_AUTHOR = `
  SELECT c.id, c.author_id AS "authorId", c.title, c.content, c.image, c.version, c.created_at AS "createdAt", c.updated_at AS "updatedAt",
         u.name AS "authorName", u.version AS "authorVersion"
    FROM content_items c JOIN users u ON u.id = c.author_id`;

interface RowWithAuthor extends ContentItemEntity {
  authorName: string;
  authorVersion: number;
}

function withAuthor(row: RowWithAuthor): ContentWithAuthor {
  const { authorName, authorVersion, ...item } = row;
  return { item, author: { id: item.authorId, name: authorName, version: authorVersion } };
}

@Injectable()
export class ContentItemsRepository {
  constructor(private readonly dataSource: DataSource) {}

  listByAuthorNewestFirst(authorId: string, limit = 100): Promise<ContentItemEntity[]> {
    return this.dataSource.getRepository(ContentItemEntity).find({
      where: { authorId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  async findWithAuthor(id: string): Promise<ContentWithAuthor | null> {
    const rows = await this.dataSource.query<RowWithAuthor[]>(`${SELECT_WITH_AUTHOR} WHERE c.id = $1`, [id]);
    return rows[0] ? withAuthor(rows[0]) : null;
  }

  // The items in the order of `ids` (a search's hits, whichever backend found them); an id no longer stored (an
  // index a little behind a delete) is left out.
  async findWithAuthorsInOrder(ids: string[], timeoutMs: number): Promise<ContentWithAuthor[]> {
    if (ids.length === 0) return [];
    const rows = await withStatementTimeout(this.dataSource, timeoutMs, (manager) =>
      manager.query<RowWithAuthor[]>(`${SELECT_WITH_AUTHOR} WHERE c.id = ANY($1::uuid[])`, [ids]),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [withAuthor(row)] : [];
    });
  }

  // Row lock for read-modify-write inside a transaction (the author's row is read, not locked).
  async lockWithAuthor(manager: EntityManager, id: string): Promise<ContentWithAuthor | null> {
    const rows = await manager.query<RowWithAuthor[]>(`${SELECT_WITH_AUTHOR} WHERE c.id = $1 FOR UPDATE OF c`, [id]);
    return rows[0] ? withAuthor(rows[0]) : null;
  }

  async findAuthor(manager: EntityManager, userId: string): Promise<ContentAuthor | null> {
    const rows = await manager.query<ContentAuthor[]>(`SELECT id, name, version FROM users WHERE id = $1`, [userId]);
    return rows[0] ?? null;
  }

  async insert(manager: EntityManager, item: ContentItemEntity): Promise<void> {
    await manager.getRepository(ContentItemEntity).insert(item);
  }

  async update(manager: EntityManager, item: ContentItemEntity): Promise<void> {
    await manager.query(`UPDATE content_items SET title = $2, content = $3, image = $4, version = $5, updated_at = $6 WHERE id = $1`, [
      item.id,
      item.title,
      item.content,
      item.image,
      item.version,
      item.updatedAt,
    ]);
  }

  async remove(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM content_items WHERE id = $1`, [id]);
  }

  async listPage(query: ContentPageQuery): Promise<{ items: ContentWithAuthor[]; total: number }> {
    const direction = DIRECTIONS[query.order];
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query<RowWithAuthor[]>(`${SELECT_WITH_AUTHOR} ORDER BY ${SORT_COLUMNS[query.sortBy]} ${direction}, c.id ${direction} LIMIT $1 OFFSET $2`, [
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ]),
      this.dataSource.query<Array<{ total: number }>>(`SELECT count(*)::int AS total FROM content_items`),
    ]);
    return { items: rows.map(withAuthor), total };
  }
}
