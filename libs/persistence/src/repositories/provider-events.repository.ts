import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProviderEventHit } from '@app/contracts';

export interface ProviderEventsQuery {
  // Containment, inclusive at both ends; an absent bound does not limit.
  startsAt?: Date;
  endsAt?: Date;
  // At most this many events (the first by start, then id); `truncated` says when more matched.
  limit: number;
  timeoutMs: number;
}

export interface ProviderCatalogSnapshot {
  events: ProviderEventHit[];
  truncated: boolean;
  catalogVersion: string; // bigint, as text
  lastSyncedAt: Date | null;
}

// The one row of provider_sync_state (the migration inserts it).
const PROVIDER = 'default';
const UTC_INSTANT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

// The read side of the provider catalog (the scheduler's sync writes it). Raw parameterized SQL: the search is
// one index range scan of provider_plans_search_idx, shaped in SQL so no entity is built per row.
@Injectable()
export class ProviderEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Every plan ever seen online whose [starts_at, ends_at] lies within the bounds, by start then id, with its
  // provider-local dates and times, and the catalog's state read in the same snapshot (REPEATABLE READ), so the
  // rows are exactly those of that catalog_version.
  search(query: ProviderEventsQuery): Promise<ProviderCatalogSnapshot> {
    if (!Number.isInteger(query.limit) || query.limit < 1) throw new RangeError(`limit must be a positive integer, got ${query.limit}`);
    const conditions = ['ever_online'];
    const parameters: unknown[] = [];
    if (query.startsAt) conditions.push(`starts_at >= $${parameters.push(query.startsAt)}`);
    if (query.endsAt) conditions.push(`ends_at <= $${parameters.push(query.endsAt)}`);
    const limit = `$${parameters.push(query.limit + 1)}`;
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(`SELECT set_config('statement_timeout', $1, true)`, [`${Math.max(1, Math.floor(query.timeoutMs))}ms`]);
      const [state] = await manager.query<Array<{ catalogVersion: string; lastSyncedAt: Date | null }>>(
        `SELECT catalog_version::text AS "catalogVersion", last_synced_at AS "lastSyncedAt" FROM provider_sync_state WHERE provider = $1`,
        [PROVIDER],
      );
      const rows = await manager.query<ProviderEventHit[]>(
        `SELECT id, title,
                to_char(start_local, 'YYYY-MM-DD') AS start_date, to_char(start_local, 'HH24:MI:SS') AS start_time,
                to_char(end_local, 'YYYY-MM-DD') AS end_date, to_char(end_local, 'HH24:MI:SS') AS end_time,
                min_price::float8 AS min_price, max_price::float8 AS max_price,
                to_char(starts_at AT TIME ZONE 'UTC', ${UTC_INSTANT}) AS starts_at,
                to_char(ends_at AT TIME ZONE 'UTC', ${UTC_INSTANT}) AS ends_at
           FROM provider_plans
          WHERE ${conditions.join(' AND ')}
          ORDER BY starts_at, id
          LIMIT ${limit}`,
        parameters,
      );
      const truncated = rows.length > query.limit;
      if (truncated) rows.length = query.limit;
      return { events: rows, truncated, catalogVersion: state?.catalogVersion ?? '0', lastSyncedAt: state?.lastSyncedAt ?? null };
    });
  }
}
