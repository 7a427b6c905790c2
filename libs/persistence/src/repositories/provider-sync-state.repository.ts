import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ProviderSyncStateEntity } from '../entities/provider-sync-state.entity';

const PROVIDER = 'default';

export interface ProviderSyncStateRecord {
  etag: string | null;
  lastModified: string | null;
  contentHash: string | null;
  planCount: number;
  snapshotAt: Date | null;
  lastSyncedAt: Date | null;
  lastChangedAt: Date | null;
  catalogVersion: string; // bigint, as a string
  breaker: unknown;
}

export interface AppliedSnapshot {
  etag: string | null;
  lastModified: string | null;
  contentHash: string;
  planCount: number;
  snapshotAt: Date;
  syncedAt: Date;
  // Anything new or changed in the catalog: the version moves on and readers refresh their caches.
  catalogChanged: boolean;
}

export interface CatalogFreshness {
  catalogVersion: string;
  lastSyncedAt: Date | null;
}

// The provider sync's one-row memory. Written only by the holder of the provider sync lock.
@Injectable()
export class ProviderSyncStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async read(manager: EntityManager = this.dataSource.manager): Promise<ProviderSyncStateRecord> {
    const row = await manager.getRepository(ProviderSyncStateEntity).findOne({ where: { provider: PROVIDER } });
    if (!row) throw new Error(`provider_sync_state has no '${PROVIDER}' row (the migration inserts it)`);
    const { provider: _provider, ...record } = row;
    return record;
  }

  // A snapshot applied to the catalog. snapshot_at never moves back (an older snapshot applied late).
  async recordApplied(manager: EntityManager, snapshot: AppliedSnapshot): Promise<CatalogFreshness> {
    return this.update(
      manager,
      `etag = $2, last_modified = $3, content_hash = $4, plan_count = $5, snapshot_at = GREATEST(snapshot_at, $6),
       last_synced_at = $7,
       last_changed_at = CASE WHEN $8 THEN $7 ELSE last_changed_at END,
       catalog_version = catalog_version + CASE WHEN $8 THEN 1 ELSE 0 END`,
      [snapshot.etag, snapshot.lastModified, snapshot.contentHash, snapshot.planCount, snapshot.snapshotAt, snapshot.syncedAt, snapshot.catalogChanged],
    );
  }

  // The provider had nothing new: only the freshness moves (and validators it sent, for the next conditional fetch).
  async recordUnchanged(manager: EntityManager, unchanged: { syncedAt: Date; etag?: string | null; lastModified?: string | null }): Promise<CatalogFreshness> {
    return this.update(manager, `last_synced_at = $2, etag = COALESCE($3, etag), last_modified = COALESCE($4, last_modified)`, [
      unchanged.syncedAt,
      unchanged.etag ?? null,
      unchanged.lastModified ?? null,
    ]);
  }

  async loadBreaker(manager: EntityManager = this.dataSource.manager): Promise<unknown> {
    const rows = await manager.query<Array<{ breaker: unknown }>>(`SELECT breaker FROM provider_sync_state WHERE provider = $1`, [PROVIDER]);
    return rows[0]?.breaker ?? null;
  }

  async saveBreaker(manager: EntityManager, breaker: unknown): Promise<void> {
    await manager.query(`UPDATE provider_sync_state SET breaker = $2 WHERE provider = $1`, [PROVIDER, JSON.stringify(breaker ?? null)]);
  }

  private async update(manager: EntityManager, assignments: string, parameters: unknown[]): Promise<CatalogFreshness> {
    const [rows] = await manager.query<[CatalogFreshness[], number]>(
      `UPDATE provider_sync_state SET ${assignments} WHERE provider = $1
       RETURNING catalog_version::text AS "catalogVersion", last_synced_at AS "lastSyncedAt"`,
      [PROVIDER, ...parameters],
    );
    const [row] = rows;
    if (!row) throw new Error(`provider_sync_state has no '${PROVIDER}' row (the migration inserts it)`);
    return row;
  }
}
