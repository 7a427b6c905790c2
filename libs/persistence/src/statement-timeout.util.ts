import { DataSource, EntityManager } from 'typeorm';

// Runs `work` in a transaction whose statements Postgres cancels after `ms` (SET LOCAL statement_timeout), so a
// lock or a slow plan surfaces as a clean error (SQLSTATE 57014) instead of a hung request or consumer.
export function withStatementTimeout<T>(dataSource: DataSource, ms: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT set_config('statement_timeout', $1, true)`, [`${Math.max(1, Math.floor(ms))}ms`]);
    return work(manager);
  });
}
