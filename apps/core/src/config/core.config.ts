import { baseEnvSchema, durationMs, jwtKeyEnvSchema, parseEnv, port, positiveInt } from '@app/common';
import { z } from 'zod';

// Exported for the deploy tests, which hold the manifests' variables to it.
export const coreEnvSchema = baseEnvSchema
  .merge(jwtKeyEnvSchema)
  .extend({
    CORE_PORT: port(3001),
    JWT_ACCESS_TTL: durationMs('15m'),
    JWT_REFRESH_TTL: durationMs('7d'),
    ADMIN_EMAIL: z.string().email().optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    OUTBOX_POLL_MS: positiveInt(1000),
    ELASTICSEARCH_URL: z.string().url().optional(),
    // Bounds a content search (the Postgres statements, or the Elasticsearch request) below the gateway's RPC_TIMEOUT_MS.
    CONTENT_SEARCH_TIMEOUT_MS: positiveInt(3000),
    // Bounds the lock wait and the REFRESH of daily_sales_mv together (minutes: it scans every order).
    MV_REFRESH_TIMEOUT_MS: positiveInt(300_000),
    // Bounds the dashboard's read of the view, below the gateway's RPC_TIMEOUT_MS so a lock shows as core's 504.
    SALES_QUERY_TIMEOUT_MS: positiveInt(2000),
    // The provider catalog search: at most this many events per reply (the first by start, then id), and the
    // statement timeout of its read, below the gateway's RPC_TIMEOUT_MS.
    PROVIDER_SEARCH_MAX_RESULTS: positiveInt(10_000),
    PROVIDER_SEARCH_TIMEOUT_MS: positiveInt(2000),
    // The orders batch consumer: a batch is stored when it holds ORDERS_BATCH_SIZE orders or its first message
    // has waited ORDERS_BATCH_WAIT_MS; at most ORDERS_FLUSH_CONCURRENCY batches are written at once, and
    // ORDERS_PREFETCH messages may be unacknowledged (gathering and in flight together).
    ORDERS_PREFETCH: positiveInt(6000),
    ORDERS_BATCH_SIZE: positiveInt(1000),
    ORDERS_BATCH_WAIT_MS: positiveInt(10),
    ORDERS_FLUSH_CONCURRENCY: positiveInt(3),
    // Statement timeouts: point and page reads, and one batch's transaction.
    ORDERS_READ_TIMEOUT_MS: positiveInt(3000),
    ORDERS_WRITE_TIMEOUT_MS: positiveInt(5000),
    ORDER_CACHE_TTL: durationMs('10m'),
    // Lifetime of the content caches (items, pages, author names); a bare number is seconds. Reading an item renews it.
    CONTENT_CACHE_TTL: durationMs('600').refine((ms) => ms >= 1000, 'must be at least 1s'),
    // order.stored events feed an external search index; with the Postgres backend the orders table is the index
    // (its search_vector is written by the INSERT), so by default they are written only when ELASTICSEARCH_URL is set.
    ORDER_STORED_EVENTS: z.enum(['true', 'false']).optional(),
    // Tests only (refused unless NODE_ENV=test): core kills itself with SIGKILL right after a change to a user
    // commits, before the post-commit cache write, to prove revocation survives that crash.
    TEST_CRASH_AFTER_USER_COMMIT: z.enum(['true', 'false']).optional(),
    // Test only (refused unless NODE_ENV=test): core kills itself (SIGKILL) right after writing the audit event of
    // this action, before its transaction commits, so a test can show that neither the change nor the event survives.
    TEST_CRASH_BEFORE_COMMIT_OF: z
      .string()
      .regex(/^[a-z_]+\.[a-z_]+$/)
      .optional(),
    // Test only (refused unless NODE_ENV=test): writers still claim their outbox rows but never hand them to the
    // relay, as if core had died right after each commit; the relay's poll takes them once the claim runs out.
    TEST_SKIP_OUTBOX_HANDOFF: z.enum(['true', 'false']).optional(),
  })
  .refine((env) => env.TEST_CRASH_AFTER_USER_COMMIT !== 'true' || env.NODE_ENV === 'test', {
    message: 'TEST_CRASH_AFTER_USER_COMMIT is a test hook and needs NODE_ENV=test',
    path: ['TEST_CRASH_AFTER_USER_COMMIT'],
  })
  .refine((env) => env.TEST_SKIP_OUTBOX_HANDOFF !== 'true' || env.NODE_ENV === 'test', {
    message: 'is a test hook, refused unless NODE_ENV=test',
    path: ['TEST_SKIP_OUTBOX_HANDOFF'],
  })
  .refine((env) => !env.TEST_CRASH_BEFORE_COMMIT_OF || env.NODE_ENV === 'test', {
    message: 'is a test hook, refused unless NODE_ENV=test',
    path: ['TEST_CRASH_BEFORE_COMMIT_OF'],
  })
  .refine((env) => Boolean(env.ADMIN_EMAIL) === Boolean(env.ADMIN_PASSWORD), {
    message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
    path: ['ADMIN_PASSWORD'],
  });

export type CoreConfig = z.infer<typeof coreEnvSchema> & { orderStoredEvents: boolean; contentCacheTtlSeconds: number; crashAfterUserCommit: boolean };
export const CORE_CONFIG = Symbol('CORE_CONFIG');

// The only place core reads the environment.
export function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const config = parseEnv(coreEnvSchema, env);
  return {
    ...config,
    contentCacheTtlSeconds: Math.ceil(config.CONTENT_CACHE_TTL / 1000),
    crashAfterUserCommit: config.TEST_CRASH_AFTER_USER_COMMIT === 'true',
    orderStoredEvents: config.ORDER_STORED_EVENTS ? config.ORDER_STORED_EVENTS === 'true' : Boolean(config.ELASTICSEARCH_URL),
  };
}
