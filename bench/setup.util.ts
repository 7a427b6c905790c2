import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '@app/persistence';

// A clean slate for each run: databases, vhost and key pair the harness owns.

// Written before either app starts: two apps generating the dev key at once could end up with different keys.
export function writeKeyPair(keysDir: string): string {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const file = join(keysDir, 'jwt-private.pem');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

export async function recreateDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

// The project's own migrations (core runs the same at start), for the floor's database.
export async function migrate(databaseUrl: string): Promise<void> {
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl, 'bench-migrate')).initialize();
  try {
    await runMigrationsLocked(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export function recreateVhost(vhost: string): void {
  const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe' });
  try {
    rabbitmqctl('delete_vhost', vhost);
  } catch {
    // absent on a fresh broker
  }
  rabbitmqctl('add_vhost', vhost);
  rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}
