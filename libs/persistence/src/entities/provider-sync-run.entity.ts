import { Column, Entity, PrimaryColumn } from 'typeorm';

// One sync attempt of the provider feed (or one skipped while the circuit was open).
@Entity({ name: 'provider_sync_runs' })
export class ProviderSyncRunEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { length: 16 }) status: 'running' | 'succeeded' | 'failed' | 'skipped';
  @Column('varchar', { length: 16 }) trigger: 'startup' | 'schedule' | 'admin';
  @Column('timestamptz', { name: 'started_at' }) startedAt: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt: Date | null;
  @Column('integer') new: number;
  @Column('integer') changed: number;
  @Column('integer') unchanged: number;
  @Column('integer') invalid: number;
  @Column('text', { nullable: true }) error: string | null;
  @Column('jsonb') details: Record<string, unknown>;
}
