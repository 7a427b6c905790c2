import { DataSource } from 'typeorm';

// Any 64-bit constant works; it only has to be the same for every replica.
const MIGRATION_LOCK_KEY = 7_363_517_001;

// Runs pending migrations exactly once across replicas: the first holder of the advisory lock migrates,
// the others wait for it and then find nothing left to do.
export async function runMigrationsLocked(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
