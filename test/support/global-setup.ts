import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
// Global setup runs outside jest's module mapper, so it imports files, not the @app aliases.
import { dataSourceOptions } from '../../libs/persistence/src/data-source.options';
import { runMigrationsLocked } from '../../libs/persistence/src/migration.runner';
import { PG_HOST, TEST_DB, TEST_ENV, TEST_REDIS_DB, TEST_VHOST } from './test-env';

function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe' });
}

// Fresh state for every run: recreated database (migrated once here), vhost and Redis database.
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: `postgres://postgres@${PG_HOST}:5432/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEST_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEST_DB}`);
  await admin.end();

  const dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'test-setup')).initialize();
  await runMigrationsLocked(dataSource);
  await dataSource.destroy();

  try {
    rabbitmqctl('delete_vhost', TEST_VHOST);
  } catch {
    // absent on a fresh broker
  }
  rabbitmqctl('add_vhost', TEST_VHOST);
  rabbitmqctl('set_permissions', '-p', TEST_VHOST, 'guest', '.*', '.*', '.*');

  const redis = new Redis(`redis://127.0.0.1:6379/${TEST_REDIS_DB}`);
  await redis.flushdb();
  redis.disconnect();
  rmSync(TEST_ENV.JWT_KEYS_DIR, { recursive: true, force: true });
}
