import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
// Global setup runs outside jest's module mapper, so it imports files, not the @app aliases.
import { dataSourceOptions } from '../../libs/persistence/src/data-source.options';
import { runMigrationsLocked } from '../../libs/persistence/src/migration.runner';
import { startWorkerRedis } from './worker-redis';
import { PG_HOST, TEST_SLOT, TestResources, testResources } from './test-env';

const run = promisify(execFile);

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', ['-q', ...args]);
}

async function freshVhost(vhost: string): Promise<void> {
  await rabbitmqctl('delete_vhost', vhost).catch(() => undefined); // absent on a fresh broker
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}

async function freshRedis(resources: TestResources): Promise<void> {
  if (resources.ownRedisPort) return startWorkerRedis(resources.ownRedisPort);
  const redis = new Redis(resources.redisUrl);
  await redis.flushdb();
  redis.disconnect();
}

// Fresh state for every run, for each jest worker the run may have (one when run in band): a recreated database
// (worker 1's migrated once here, the others copied from it), vhost, Redis and JWT key directory.
export default async function globalSetup({ maxWorkers }: { maxWorkers: number }): Promise<void> {
  const workers = Array.from({ length: maxWorkers }, (_, i) => testResources(TEST_SLOT, i + 1));
  const [first, ...others] = workers;
  const admin = new Client({ connectionString: `postgres://postgres@${PG_HOST}:5432/postgres` });
  await admin.connect();
  const databases = async () => {
    for (const { db } of workers) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${first.db}`);
    const dataSource = await new DataSource(dataSourceOptions(`postgres://postgres@${PG_HOST}:5432/${first.db}`, 'test-setup')).initialize();
    await runMigrationsLocked(dataSource);
    await dataSource.destroy();
    for (const { db } of others) await admin.query(`CREATE DATABASE ${db} TEMPLATE ${first.db}`);
  };
  try {
    await Promise.all([databases(), ...workers.map(({ vhost }) => freshVhost(vhost)), ...workers.map(freshRedis)]);
  } finally {
    await admin.end();
  }

  for (const { keysDir } of workers) rmSync(keysDir, { recursive: true, force: true });
}
