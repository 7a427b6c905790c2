import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

// A keyset position: the exact created_at as Postgres holds it (microseconds, UTC) and the row's id.
export interface ExportCursor {
  at: string;
  id: string;
}

export interface ExportPage<T> {
  rows: T[];
  next: ExportCursor | null;
}

export interface ExportOrderRow {
  id: string;
  product_name: string;
  amount: string;
  currency: string;
  plan_id: string | null;
  created_at: Date;
  stored_at: Date;
}

export interface ExportPlanRow {
  object_id: string;
  document: Record<string, unknown>;
  etag: string;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
}

export interface ExportContentRow {
  id: string;
  author_id: string;
  author_name: string;
  title: string;
  content: string;
  image: string | null;
  created_at: Date;
  updated_at: Date;
}

// Microsecond text of a timestamptz, so a cursor never loses precision in a JavaScript Date.
const cursorAt = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const CURSOR_AT = cursorAt('created_at');

// One user's data, page by page for the export. Each page is one short indexed query after the previous
// page's last row (keyset), so a user with 100k orders is never read at once and no transaction stays open.
@Injectable()
export class UserExportRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Newest first, in the order of orders_user_created_idx (user_id, created_at DESC, id): no sort, no offset.
  ordersPage(userId: string, after: ExportCursor | null, limit: number): Promise<ExportPage<ExportOrderRow>> {
    return this.page<ExportOrderRow>(
      `SELECT id, product_name, amount, currency, plan_id, created_at, stored_at, ${CURSOR_AT} AS cursor_at FROM orders
        WHERE user_id = $1 ${after ? 'AND created_at <= $3::timestamptz AND (created_at < $3::timestamptz OR id > $4::uuid)' : ''}
        ORDER BY created_at DESC, id LIMIT $2`,
      userId,
      after,
      limit,
    );
  }

  plansPage(userId: string, after: ExportCursor | null, limit: number): Promise<ExportPage<ExportPlanRow>> {
    return this.page<ExportPlanRow>(
      `SELECT object_id, document, etag, created_by, created_at, updated_by, updated_at, ${CURSOR_AT} AS cursor_at, object_id AS id FROM plans
        WHERE created_by = $1 ${after ? 'AND (created_at, object_id) > ($3::timestamptz, $4::varchar)' : ''}
        ORDER BY created_at, object_id LIMIT $2`,
      userId,
      after,
      limit,
    );
  }

  contentPage(userId: string, after: ExportCursor | null, limit: number): Promise<ExportPage<ExportContentRow>> {
    return this.page<ExportContentRow>(
      `SELECT c.id, c.author_id, u.name AS author_name, c.title, c.content, c.image, c.created_at, c.updated_at, ${cursorAt('c.created_at')} AS cursor_at
         FROM content_items c JOIN users u ON u.id = c.author_id
        WHERE c.author_id = $1 ${after ? 'AND c.created_at <= $3::timestamptz AND (c.created_at < $3::timestamptz OR c.id > $4::uuid)' : ''}
        ORDER BY c.created_at DESC, c.id LIMIT $2`,
      userId,
      after,
      limit,
    );
  }

  private async page<T>(sql: string, userId: string, after: ExportCursor | null, limit: number): Promise<ExportPage<T>> {
    const parameters: unknown[] = after ? [userId, limit, after.at, after.id] : [userId, limit];
    const rows = await this.dataSource.query<(T & { cursor_at: string; id: string })[]>(sql, parameters);
    const last = rows.at(-1);
    const next = rows.length === limit && last ? { at: last.cursor_at, id: last.id } : null;
    return { rows: rows.map(({ cursor_at: _cursor, ...row }) => row as unknown as T), next };
  }
}
