import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

// Held for a whole provider sync by whoever syncs, on any replica; 7_363_517_001..003 are taken.
export const PROVIDER_SYNC_LOCK_KEY = 7_363_517_004;

// The right to sync, held as a session advisory lock on one dedicated connection. Everything the sync writes
// goes through this connection, so a commit can only happen while the lock is held, and a process that dies
// loses its connection and with it the lock.
export interface ProviderSyncLease {
  // Autocommit statements on the lock's connection.
  readonly manager: EntityManager;
  // One transaction on the lock's connection: committed when `work` resolves, rolled back when it throws.
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

class AdvisoryLease implements ProviderSyncLease {
  private released = false;

  constructor(
    private readonly runner: QueryRunner,
    private readonly logger: Logger,
  ) {}

  get manager(): EntityManager {
    return this.runner.manager;
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    await this.runner.startTransaction();
    try {
      const result = await work(this.runner.manager);
      await this.runner.commitTransaction();
      return result;
    } catch (error) {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      const [{ unlocked }] = (await this.runner.query(`SELECT pg_advisory_unlock($1) AS unlocked`, [PROVIDER_SYNC_LOCK_KEY])) as Array<{ unlocked: boolean }>;
      if (!unlocked) this.logger.warn('provider sync lock was not held at release');
    } catch (error) {
      // A broken connection leaves the pool and the lock goes with it; a live one must not keep it.
      this.logger.warn(`provider sync lock release failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.runner.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
    } finally {
      await this.runner.release();
    }
  }
}

@Injectable()
export class ProviderSyncLockRepository {
  private readonly logger = new Logger(ProviderSyncLockRepository.name);

  constructor(private readonly dataSource: DataSource) {}

  // Never waits: null when another session (another replica, or another sync in this process) holds it.
  async tryAcquire(): Promise<ProviderSyncLease | null> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [PROVIDER_SYNC_LOCK_KEY])) as Array<{ locked: boolean }>;
      if (locked) return new AdvisoryLease(runner, this.logger);
    } catch (error) {
      await runner.release();
      throw error;
    }
    await runner.release();
    return null;
  }
}
