import { join } from 'node:path';
import { tmpdir } from 'node:os';

// Tests never touch the development stack: their own database, RabbitMQ vhost, Redis and ports.
// TEST_SLOT (0-7) lets several checkouts run the tiers at once on one machine, and within a run each jest worker
// (JEST_WORKER_ID 1-3; 1 when run in band) has resources of its own: no two (slot, worker) pairs share any.
// Worker 1 is what a slot always had, so `--runInBand` runs are unchanged:
// - database `plans_platform_test[_N]`, vhost `plans_test[_N]` (`_w2`, `_w3` appended for workers 2 and 3);
// - Redis: database 9+N of the machine's Redis (slot 7 takes 8; nothing else uses it). Redis has only 16 databases,
//   so workers 2 and 3 get a redis-server of their own on port 3690 + offset, which global setup starts;
// - ports: a spec asks for 3300-3699 and gets that plus the offset, 1000·N for worker 1 and 1000·N + 10000·(W-1)
//   for the others: 3300-10699, 13300-20699 and 23300-30699, below the ephemeral range (32768 up). With some pair's
//   offset a few of them land on a port of this machine (RESERVED_PORTS), so testPort refuses them.
export const TEST_SLOT = Number(process.env.TEST_SLOT ?? 0);
export const TEST_WORKER = Number(process.env.JEST_WORKER_ID ?? 1);
export const MAX_TEST_WORKERS = 3;
// TEST_NAMESPACE (the fault runner's `faults`) gives a run a database and vhost of its own within the slot.
const NAMESPACE = process.env.TEST_NAMESPACE ? `_${process.env.TEST_NAMESPACE}` : '';
export const PG_HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';
const WORKER_REDIS_PORT = 3690;
// Ports a spec must not ask for, with the (slot, worker) that would land on something else:
// 3306 (0,1) MySQL, 3318 (1,1) OTLP 4318, 3369 (1,1) epmd, 3379 (3,1) Redis, 3397 (3,1) the fault runner's Redis
// 6397, 3399 (3,1), 3499 (2,1) and 3699 (2,1) the closed ports of the startup spec, 3432 (2,1) Postgres, 3672 (2,*)
// RabbitMQ 5672, 15672, 25672, 3692 (2,2) rabbitmq_prometheus 15692.
export const RESERVED_PORTS = [3306, 3318, 3369, 3379, 3397, 3399, 3432, 3499, 3672, 3692, 3699];

export interface TestResources {
  suffix: string; // slot and worker, e.g. `_3_w2`; '' for slot 0, worker 1
  db: string;
  vhost: string;
  portOffset: number;
  redisUrl: string;
  ownRedisPort?: number; // workers 2 and 3: the redis-server global setup starts for them
  keysDir: string;
}

export function testResources(slot: number, worker: number): TestResources {
  if (!Number.isInteger(slot) || slot < 0 || slot > 7) throw new Error(`TEST_SLOT must be 0-7, not ${slot}`);
  if (!Number.isInteger(worker) || worker < 1 || worker > MAX_TEST_WORKERS) throw new Error(`jest worker ${worker}: the tiers isolate workers 1-${MAX_TEST_WORKERS}`);
  const suffix = `${slot ? `_${slot}` : ''}${worker > 1 ? `_w${worker}` : ''}`;
  const portOffset = slot * 1000 + (worker - 1) * 10_000;
  const ownRedisPort = worker > 1 ? WORKER_REDIS_PORT + portOffset : undefined;
  return {
    suffix,
    db: `plans_platform_test${NAMESPACE}${suffix}`,
    vhost: `plans_test${NAMESPACE}${suffix}`,
    portOffset,
    redisUrl: ownRedisPort ? `redis://127.0.0.1:${ownRedisPort}/0` : `redis://127.0.0.1:6379/${slot === 7 ? 8 : 9 + slot}`,
    ...(ownRedisPort ? { ownRedisPort } : {}),
    keysDir: join(tmpdir(), `plans-platform-test-keys${NAMESPACE}${suffix}`),
  };
}

const RESOURCES = testResources(TEST_SLOT, TEST_WORKER);
export const TEST_SUFFIX = RESOURCES.suffix;
export const TEST_DB = RESOURCES.db;
export const TEST_VHOST = RESOURCES.vhost;
// Added to every port a test asks for.
export const TEST_PORT_OFFSET = RESOURCES.portOffset;

// The port a spec's server gets for the port it asks for.
export function testPort(port: number): number {
  if (RESERVED_PORTS.includes(port)) throw new Error(`port ${port} is reserved (test/support/test-env.ts): with some slot's offset it is a port of this machine`);
  return port + TEST_PORT_OFFSET;
}

export const TEST_ENV = {
  NODE_ENV: 'test',
  DATABASE_URL: `postgres://postgres@${PG_HOST}:5432/${TEST_DB}`,
  REDIS_URL: RESOURCES.redisUrl,
  RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${TEST_VHOST}`,
  JWT_KEYS_DIR: RESOURCES.keysDir,
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
