import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ProviderSyncRunEntity } from '../entities/provider-sync-run.entity';

export type ProviderSyncRunStatus = ProviderSyncRunEntity['status'];
export type ProviderSyncTrigger = ProviderSyncRunEntity['trigger'];

export interface ProviderSyncRunRecord {
  id: string;
  status: ProviderSyncRunStatus;
  trigger: ProviderSyncTrigger;
  startedAt: Date;
  finishedAt: Date | null;
  new: number;
  changed: number;
  unchanged: number;
  invalid: number;
  error: string | null;
  details: Record<string, unknown>;
}

export interface ProviderSyncRunEnd {
  status: 'succeeded' | 'failed';
  finishedAt: Date;
  new?: number;
  changed?: number;
  unchanged?: number;
  invalid?: number;
  error?: string | null;
  details?: Record<string, unknown>;
}

const toRecord = (row: ProviderSyncRunEntity): ProviderSyncRunRecord => ({
  id: row.id,
  status: row.status,
  trigger: row.trigger,
  startedAt: row.startedAt,
  finishedAt: row.finishedAt,
  new: row.new,
  changed: row.changed,
  unchanged: row.unchanged,
  invalid: row.invalid,
  error: row.error,
  details: row.details,
});

// The history of provider syncs. Rows are written only by the sync that holds the provider sync lock, so a
// 'running' row seen by the lock holder is one whose process died: it is marked abandoned.
@Injectable()
export class ProviderSyncRunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertRunning(manager: EntityManager, run: { trigger: ProviderSyncTrigger; startedAt: Date }): Promise<ProviderSyncRunRecord> {
    return this.insert(manager, { ...run, status: 'running', finishedAt: null, error: null, details: {} });
  }

  // A sync that did not run (the circuit was open): finished as soon as it started.
  async insertSkipped(
    manager: EntityManager,
    run: { trigger: ProviderSyncTrigger; startedAt: Date; error: string; details: Record<string, unknown> },
  ): Promise<ProviderSyncRunRecord> {
    return this.insert(manager, { ...run, status: 'skipped', finishedAt: run.startedAt });
  }

  // Only a running row is finished, once: a late write cannot rewrite history.
  async finish(manager: EntityManager, id: string, end: ProviderSyncRunEnd): Promise<ProviderSyncRunRecord | null> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE provider_sync_runs
          SET status = $2, finished_at = $3, new = $4, changed = $5, unchanged = $6, invalid = $7, error = $8, details = $9
        WHERE id = $1 AND status = 'running'
        RETURNING id`,
      [id, end.status, end.finishedAt, end.new ?? 0, end.changed ?? 0, end.unchanged ?? 0, end.invalid ?? 0, end.error ?? null, JSON.stringify(end.details ?? {})],
    );
    return rows.length ? this.findById(id, manager) : null;
  }

  // Called by the lock holder: no other sync can be running, so every 'running' row is a dead process's.
  async markAbandoned(manager: EntityManager, finishedAt: Date, error: string): Promise<string[]> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE provider_sync_runs SET status = 'failed', finished_at = $1, error = $2 WHERE status = 'running' RETURNING id`,
      [finishedAt, error],
    );
    return rows.map((row) => row.id);
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ProviderSyncRunRecord | null> {
    const row = await manager.getRepository(ProviderSyncRunEntity).findOne({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async findRunning(manager: EntityManager = this.dataSource.manager): Promise<ProviderSyncRunRecord | null> {
    const row = await manager.getRepository(ProviderSyncRunEntity).findOne({ where: { status: 'running' }, order: { startedAt: 'DESC', id: 'DESC' } });
    return row ? toRecord(row) : null;
  }

  async listNewest(limit: number, manager: EntityManager = this.dataSource.manager): Promise<ProviderSyncRunRecord[]> {
    const rows = await manager.getRepository(ProviderSyncRunEntity).find({ order: { startedAt: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(toRecord);
  }

  private async insert(manager: EntityManager, run: Omit<ProviderSyncRunRecord, 'id' | 'new' | 'changed' | 'unchanged' | 'invalid'>): Promise<ProviderSyncRunRecord> {
    const row: ProviderSyncRunEntity = { id: randomUUID(), new: 0, changed: 0, unchanged: 0, invalid: 0, ...run };
    await manager.getRepository(ProviderSyncRunEntity).insert(row as QueryDeepPartialEntity<ProviderSyncRunEntity>);
    return toRecord(row);
  }
}
