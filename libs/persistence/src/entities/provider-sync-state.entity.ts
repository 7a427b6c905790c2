import { Column, Entity, PrimaryColumn } from 'typeorm';

// The sync's memory between runs (one row, provider 'default'): validators and hash of the last applied
// snapshot, its plan count, the catalog's freshness and version, and the circuit breaker's saved state.
@Entity({ name: 'provider_sync_state' })
export class ProviderSyncStateEntity {
  @PrimaryColumn('varchar', { length: 32 }) provider: string;
  @Column('text', { nullable: true }) etag: string | null;
  @Column('text', { name: 'last_modified', nullable: true }) lastModified: string | null;
  @Column('varchar', { name: 'content_hash', length: 64, nullable: true }) contentHash: string | null;
  @Column('integer', { name: 'plan_count' }) planCount: number;
  @Column('timestamptz', { name: 'snapshot_at', nullable: true }) snapshotAt: Date | null;
  @Column('timestamptz', { name: 'last_synced_at', nullable: true }) lastSyncedAt: Date | null;
  @Column('timestamptz', { name: 'last_changed_at', nullable: true }) lastChangedAt: Date | null;
  // bigint comes back from pg as a string.
  @Column('bigint', { name: 'catalog_version' }) catalogVersion: string;
  @Column('jsonb', { nullable: true }) breaker: unknown;
}
