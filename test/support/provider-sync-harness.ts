import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { text } from 'node:stream/consumers';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { connectRedis, MetricsService } from '@app/common';
import { PROVIDER_CATALOG_STATE_KEY } from '@app/contracts';
import { dataSourceOptions, ProviderSyncLockRepository, ProviderSyncRunsRepository, ProviderSyncStateRepository } from '@app/persistence';
import { SchedulerConfig } from '../../apps/scheduler/src/config/scheduler.config';
import { CatalogStatePublisher } from '../../apps/scheduler/src/provider-sync/catalog-state.publisher';
import { ProviderCircuitBreaker } from '../../apps/scheduler/src/provider-sync/circuit/provider-circuit.breaker';
import { FeedProcessor, FeedSnapshot, ProcessOutcome } from '../../apps/scheduler/src/provider-sync/feed-processor.port';
import { ProviderFeedClient } from '../../apps/scheduler/src/provider-sync/fetch/provider-feed.client';
import { ProviderSyncMetrics } from '../../apps/scheduler/src/provider-sync/provider-sync.metrics';
import { ProviderSyncService } from '../../apps/scheduler/src/provider-sync/provider-sync.service';
import { SyncProviderFeedUseCase } from '../../apps/scheduler/src/provider-sync/sync-provider-feed.use-case';
import { TEST_ENV } from './test-env';

export const FEED_V1 = '<planList><output><base_plan base_plan_id="1"><plan plan_id="1"/></base_plan></output></planList>';
export const FEED_V2 = '<planList><output><base_plan base_plan_id="1"><plan plan_id="2"/></base_plan></output></planList>';
export const HARNESS_COOLDOWN_MS = 2000;

// The FeedProcessor's stand-in (the sync's neighbour): it reads the whole body and upserts one provider_plans row
// per distinct body in the sync's transaction, so any call it gets is a visible catalog write. It can be held
// (a sync that runs a while) or made to fail.
export class FeedProcessorDouble extends FeedProcessor {
  calls = 0;
  bodies: string[] = [];
  failWith?: Error;
  private gate?: Promise<void>;
  private openGate?: () => void;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  reset(): void {
    this.release();
    this.calls = 0;
    this.bodies = [];
    this.failWith = undefined;
  }

  async process(snapshot: FeedSnapshot): Promise<ProcessOutcome> {
    this.calls += 1;
    const body = await text(snapshot.body);
    this.bodies.push(body);
    const [{ inserted }] = await snapshot.manager.query<Array<{ inserted: boolean }>>(
      `INSERT INTO provider_plans (id, base_plan_id, plan_id, title, sell_mode, ever_online, starts_at, ends_at, start_local, end_local,
                                   zones, min_price, max_price, content_hash, snapshot_at, first_seen_at, last_seen_at, changed_at)
       VALUES (gen_random_uuid(), 'sync-spec', $1, 'Spec plan', 'online', true, now(), now(), now(), now(), '[]', 0, 0, $1, $2, now(), now(), now())
       ON CONFLICT (base_plan_id, plan_id) DO UPDATE SET last_seen_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [createHash('sha256').update(body).digest('hex'), snapshot.snapshotAt],
    );
    await this.gate;
    if (this.failWith) throw this.failWith;
    return { plans: 1, new: inserted ? 1 : 0, changed: 0, unchanged: inserted ? 0 : 1, invalid: 0, invalidReasons: {} };
  }
}

// One scheduler replica's provider sync: its own DataSource (its own connections and sessions) and Redis client.
export interface SyncReplica {
  dataSource: DataSource;
  service: ProviderSyncService;
  close(): Promise<void>;
}

export interface SyncHarness {
  config: SchedulerConfig;
  processor: FeedProcessorDouble;
  db: Client;
  redis: Redis;
  a: SyncReplica;
  b: SyncReplica;
  hits(): number;
  respond(handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  // A replica closed after the test.
  replica(name: string, redis?: Redis): Promise<SyncReplica>;
  runRows(): Promise<Array<{ id: string; status: string; trigger: string; error: string | null }>>;
  // Any insert, update or delete of provider_plans changes this (an updated row gets a new xmin).
  catalogFingerprint(): Promise<string>;
  syncState(): Promise<{ catalog_version: string; last_synced_at: Date | null; content_hash: string | null; etag: string | null }>;
}

// Registers the hooks of a spec driving two replicas against real Postgres and Redis and a local provider that
// answers FEED_V1 until a test says otherwise. Every test starts with no runs, a blank sync state and a closed circuit.
export function useSyncHarness(): SyncHarness {
  let server: Server;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let hits = 0;
  const extra: SyncReplica[] = [];
  const harness = { processor: new FeedProcessorDouble() } as SyncHarness;

  async function startReplica(name: string, redisClient?: Redis): Promise<SyncReplica> {
    const { config, processor } = harness;
    const dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, name)).initialize();
    const redis = redisClient ?? (await connectRedis(TEST_ENV.REDIS_URL, name));
    const runs = new ProviderSyncRunsRepository(dataSource);
    const states = new ProviderSyncStateRepository(dataSource);
    const breaker = new ProviderCircuitBreaker(config);
    const client = new ProviderFeedClient(config, { initialDelayMs: 5, maxDelayMs: 20, spoolDir: tmpdir() });
    const sync = new SyncProviderFeedUseCase(config, client, processor, runs, states, new CatalogStatePublisher(redis));
    const metrics = new ProviderSyncMetrics(new MetricsService(), states, breaker);
    const service = new ProviderSyncService(config, new ProviderSyncLockRepository(dataSource), runs, states, breaker, sync, metrics);
    const close = async () => {
      await service.beforeApplicationShutdown();
      redis.disconnect();
      await dataSource.destroy();
    };
    return { dataSource, service, close };
  }

  Object.assign(harness, {
    hits: () => hits,
    respond: (next: typeof handler) => (handler = next),
    replica: async (name: string, redis?: Redis) => {
      const replica = await startReplica(name, redis);
      extra.push(replica);
      return replica;
    },
    runRows: async () => (await harness.db.query(`SELECT id, status, trigger, error FROM provider_sync_runs ORDER BY started_at`)).rows,
    catalogFingerprint: async () =>
      (await harness.db.query<{ rows: string }>(`SELECT coalesce(string_agg(id || ':' || xmin::text, ',' ORDER BY id), '') AS rows FROM provider_plans`)).rows[0].rows,
    syncState: async () =>
      (await harness.db.query(`SELECT catalog_version::text, last_synced_at, content_hash, etag FROM provider_sync_state WHERE provider = 'default'`)).rows[0],
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    harness.config = {
      PROVIDER_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`,
      PROVIDER_SYNC_INTERVAL: 10_000,
      PROVIDER_SYNC_JITTER: 0,
      PROVIDER_TIMEOUT: 2000,
      PROVIDER_RETRY_ATTEMPTS: 1,
      PROVIDER_MAX_FEED_BYTES: 1024 * 1024,
      PROVIDER_BREAKER_THRESHOLD: 2,
      PROVIDER_BREAKER_COOLDOWN: HARNESS_COOLDOWN_MS,
      SHUTDOWN_GRACE_MS: 5000,
    } as SchedulerConfig;
    harness.db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await harness.db.connect();
    harness.redis = await connectRedis(TEST_ENV.REDIS_URL, 'sync-harness');
    harness.a = await startReplica('sync-replica-a');
    harness.b = await startReplica('sync-replica-b');
  });

  beforeEach(async () => {
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
    hits = 0;
    handler = (_req, res) => res.writeHead(200).end(FEED_V1);
    harness.processor.reset();
    await harness.db.query(`DELETE FROM provider_sync_runs`);
    await harness.db.query(`DELETE FROM provider_plans WHERE base_plan_id = 'sync-spec'`);
    await harness.db.query(
      `UPDATE provider_sync_state SET etag = NULL, last_modified = NULL, content_hash = NULL, plan_count = 0, snapshot_at = NULL,
              last_synced_at = NULL, last_changed_at = NULL, catalog_version = 0, breaker = NULL WHERE provider = 'default'`,
    );
    await harness.redis.del(PROVIDER_CATALOG_STATE_KEY);
  });

  afterEach(async () => {
    harness.processor.release();
    jest.restoreAllMocks();
    for (const replica of extra.splice(0)) await replica.close();
  });

  afterAll(async () => {
    await Promise.all([harness.a.close(), harness.b.close()]);
    harness.redis.disconnect();
    await harness.db.query(`DELETE FROM provider_plans WHERE base_plan_id = 'sync-spec'`);
    await harness.db.end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  return harness;
}
