import { join } from 'node:path';
import { tmpdir } from 'node:os';

// Tests never touch the development stack: their own database, RabbitMQ vhost and Redis database.
// TEST_SLOT (0-7) lets several checkouts run the tiers at once on one machine: each slot has its own
// database, vhost, Redis database and port range.
export const TEST_SLOT = Number(process.env.TEST_SLOT ?? 0);
// TEST_NAMESPACE (the fault runner's `faults`) gives a run a database and vhost of its own within the slot.
const SUFFIX = `${process.env.TEST_NAMESPACE ? `_${process.env.TEST_NAMESPACE}` : ''}${TEST_SLOT ? `_${TEST_SLOT}` : ''}`;
export const TEST_DB = `plans_platform_test${SUFFIX}`;
export const TEST_VHOST = `plans_test${SUFFIX}`;
// Redis has 16 databases (0-15): slots 0-6 use 9-15, slot 7 takes database 8, which nothing else uses.
export const TEST_REDIS_DB = TEST_SLOT === 7 ? 8 : 9 + TEST_SLOT;
// Added to every port a test asks for.
export const TEST_PORT_OFFSET = TEST_SLOT * 1000;
export const PG_HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';

export const TEST_ENV = {
  NODE_ENV: 'test',
  DATABASE_URL: `postgres://postgres@${PG_HOST}:5432/${TEST_DB}`,
  REDIS_URL: `redis://127.0.0.1:6379/${TEST_REDIS_DB}`,
  RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${TEST_VHOST}`,
  JWT_KEYS_DIR: join(tmpdir(), `plans-platform-test-keys${SUFFIX}`),
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
