import { join } from 'node:path';
import { tmpdir } from 'node:os';

// Tests never touch the development stack: their own database, RabbitMQ vhost and Redis database.
export const TEST_DB = 'plans_platform_test';
export const TEST_VHOST = 'plans_test';
export const TEST_REDIS_DB = 9;
export const PG_HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';

export const TEST_ENV = {
  NODE_ENV: 'test',
  DATABASE_URL: `postgres://postgres@${PG_HOST}:5432/${TEST_DB}`,
  REDIS_URL: `redis://127.0.0.1:6379/${TEST_REDIS_DB}`,
  RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${TEST_VHOST}`,
  JWT_KEYS_DIR: join(tmpdir(), 'plans-platform-test-keys'),
  ADMIN_EMAIL: 'admin@test.local',
  ADMIN_PASSWORD: 'admin-password-1',
  RATE_LIMIT_ANON_PER_HOUR: '1000000',
  RATE_LIMIT_USER_PER_HOUR: '1000000',
  RPC_TIMEOUT_MS: '1500',
  OUTBOX_POLL_MS: '200',
  SHUTDOWN_GRACE_MS: '5000',
  LOG_LEVEL: 'info',
  // The same e2e behaviour suite runs against Elasticsearch when a cluster is given, else against Postgres.
  ...(process.env.ELASTICSEARCH_URL ? { ELASTICSEARCH_URL: process.env.ELASTICSEARCH_URL } : {}),
};
