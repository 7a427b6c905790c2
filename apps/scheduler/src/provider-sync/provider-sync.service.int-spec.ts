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
import { dataSourceOptions, PROVIDER_SYNC_LOCK_KEY, ProviderSyncLockRepository, ProviderSyncRunsRepository, ProviderSyncStateRepository } from '@app/persistence';
import { eventually } from '../../../../test/support/eventually';
import { TEST_ENV } from '../../../../test/support/test-env';
import { SchedulerConfig } from '../config/scheduler.config';
import { CatalogStatePublisher } from './catalog-state.publisher';
import { ProviderCircuitBreaker } from './circuit/provider-circuit.breaker';
import { FeedProcessor, FeedSnapshot, ProcessOutcome, SuspiciousSnapshotError } from './feed-processor.port';
import { ProviderFeedClient } from './fetch/provider-feed.client';
import { ProviderSyncMetrics } from './provider-sync.metrics';
import { ProviderSyncService } from './provider-sync.service';
import { SyncProviderFeedUseCase } from './sync-provider-feed.use-case';

const FEED_V1 = '<planList><output><base_plan base_plan_id="1"><plan plan_id="1"/></base_plan></output></planList>';
const FEED_V2 = '<planList><output><base_plan base_plan_id="1"><plan plan_id="2"/></base_plan></output></planList>';
const COOLDOWN_MS = 2000;

// The FeedProcessor's stand-in: it reads the whole body and upserts one provider_plans row per distinct body in
// the sync's transaction, so any call it gets is a visible catalog write. It can be held (a sync that runs a
// while) or made to fail.
class FeedProcessorDouble extends FeedProcessor {
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

interface Replica {
  dataSource: DataSource;
  redis: Redis;
  service: ProviderSyncService;
  close(): Promise<void>;
}

describe('ProviderSyncService (Postgres, Redis, a local provider)', () => {
  let server: Server;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  let hits: number;
  let config: SchedulerConfig;
  let processor: FeedProcessorDouble;
  let db: Client;
  let redis: Redis;
  let a: Replica;
  let b: Replica;
  const extra: Replica[] = [];

  async function replica(name: string, redisClient?: Redis): Promise<Replica> {
    const dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, name)).initialize();
    const ownRedis = redisClient ?? (await connectRedis(TEST_ENV.REDIS_URL, name));
    const runs = new ProviderSyncRunsRepository(dataSource);
    const states = new ProviderSyncStateRepository(dataSource);
    const breaker = new ProviderCircuitBreaker(config);
    const client = new ProviderFeedClient(config, { initialDelayMs: 5, maxDelayMs: 20, spoolDir: tmpdir() });
    const sync = new SyncProviderFeedUseCase(config, client, processor, runs, states, new CatalogStatePublisher(ownRedis));
    const metrics = new ProviderSyncMetrics(new MetricsService(), states, breaker);
    const service = new ProviderSyncService(config, new ProviderSyncLockRepository(dataSource), runs, states, breaker, sync, metrics);
    return {
      dataSource,
      redis: ownRedis,
      service,
      close: async () => {
        await service.beforeApplicationShutdown();
        ownRedis.disconnect();
        await dataSource.destroy();
      },
    };
  }

  const runRows = async () =>
    (
      await db.query<{ id: string; status: string; trigger: string; error: string | null }>(
        `SELECT id, status, trigger, error FROM provider_sync_runs ORDER BY started_at`,
      )
    ).rows;
  // Any insert, update or delete of provider_plans changes this (an updated row gets a new xmin).
  const catalogFingerprint = async () =>
    (await db.query<{ rows: string }>(`SELECT coalesce(string_agg(id || ':' || xmin::text, ',' ORDER BY id), '') AS rows FROM provider_plans`)).rows[0].rows;
  const syncState = async () =>
    (
      await db.query<{ catalog_version: string; last_synced_at: Date | null; content_hash: string | null; etag: string | null }>(
        `SELECT catalog_version::text, last_synced_at, content_hash, etag FROM provider_sync_state WHERE provider = 'default'`,
      )
    ).rows[0];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    config = {
      PROVIDER_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed`,
      PROVIDER_SYNC_INTERVAL: 10_000,
      PROVIDER_SYNC_JITTER: 0,
      PROVIDER_TIMEOUT: 2000,
      PROVIDER_RETRY_ATTEMPTS: 1,
      PROVIDER_MAX_FEED_BYTES: 1024 * 1024,
      PROVIDER_BREAKER_THRESHOLD: 2,
      PROVIDER_BREAKER_COOLDOWN: COOLDOWN_MS,
      SHUTDOWN_GRACE_MS: 5000,
    } as SchedulerConfig;
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    redis = await connectRedis(TEST_ENV.REDIS_URL, 'sync-spec');
    processor = new FeedProcessorDouble();
    a = await replica('sync-replica-a');
    b = await replica('sync-replica-b');
  });

  beforeEach(async () => {
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
    hits = 0;
    handler = (_req, res) => res.writeHead(200).end(FEED_V1);
    processor.calls = 0;
    processor.bodies = [];
    processor.failWith = undefined;
    await db.query(`DELETE FROM provider_sync_runs`);
    await db.query(`DELETE FROM provider_plans WHERE base_plan_id = 'sync-spec'`);
    await db.query(
      `UPDATE provider_sync_state SET etag = NULL, last_modified = NULL, content_hash = NULL, plan_count = 0, snapshot_at = NULL,
              last_synced_at = NULL, last_changed_at = NULL, catalog_version = 0, breaker = NULL WHERE provider = 'default'`,
    );
    await redis.del(PROVIDER_CATALOG_STATE_KEY);
  });

  afterEach(async () => {
    processor.release();
    jest.restoreAllMocks();
    for (const replica of extra.splice(0)) await replica.close();
  });

  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    redis.disconnect();
    await db.end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('should run exactly one sync when two replicas tick and an admin calls at once, and give the admin the running id', async () => {
    for (let round = 0; round < 5; round++) {
      processor.hold();
      const calls = processor.calls;

      const [tickA, tickB, admin] = await Promise.all([a.service.begin('schedule'), b.service.begin('schedule'), b.service.start('admin')]);

      const rows = (await runRows()).filter((row) => row.status === 'running');
      expect(rows).toHaveLength(1);
      expect(admin).toEqual({ id: rows[0].id, status: 'running', started_at: expect.any(String) });
      const winners = [tickA, tickB].filter((tick) => tick.outcome === 'started');
      expect(winners.length).toBeLessThanOrEqual(1);
      if (winners.length === 0) expect(rows[0].trigger).toBe('admin');
      // A second admin call while it runs gets the same id.
      expect((await a.service.start('admin')).id).toBe(rows[0].id);

      processor.release();
      const finished = await eventually(async () => {
        const [row] = (await runRows()).filter((run) => run.id === rows[0].id);
        expect(row.status).toBe('succeeded');
        return row;
      });
      expect(finished.status).toBe('succeeded');
      expect(processor.calls - calls).toBeLessThanOrEqual(1);
      handler = (_req, res) => res.writeHead(200).end(`${FEED_V1}<!-- round ${round} -->`);
    }
    expect(await runRows()).toHaveLength(5);
  });

  it('should mark the run of a sync whose process died as abandoned, its lock gone with its connection', async () => {
    const doomed = await replica('sync-replica-doomed');
    extra.push(doomed);
    processor.hold();
    const begun = await doomed.service.begin('schedule');
    expect(begun.outcome).toBe('started');
    expect(await a.service.run('schedule')).toBeNull(); // the lock is held

    // The process "dies": Postgres loses its connection, and the lock with it.
    const key = BigInt(PROVIDER_SYNC_LOCK_KEY); // pg_locks splits a bigint key: classid (high), objid (low 32 bits)
    const { rowCount } = await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 1 AND granted`,
      [String(key >> 32n), String(key & 0xffffffffn)],
    );
    expect(rowCount).toBe(1);
    processor.release();
    const next = await eventually(async () => {
      const run = await a.service.run('schedule');
      expect(run).not.toBeNull();
      return run!;
    });

    expect(next.status).toBe('succeeded');
    const rows = await runRows();
    expect(rows).toEqual([
      {
        id: begun.outcome === 'started' ? begun.run.id : '',
        status: 'failed',
        trigger: 'schedule',
        error: 'abandoned: the scheduler running this sync stopped before it finished',
      },
      { id: next.id, status: 'succeeded', trigger: 'schedule', error: null },
    ]);
    if (begun.outcome === 'started') await begun.done.catch(() => undefined);
  });

  it('should open the circuit on consecutive failed syncs across replicas, keep it through a restart, skip while open and close after a good trial', async () => {
    handler = (_req, res) => res.writeHead(503).end();

    const first = await a.service.run('schedule');
    const second = await b.service.run('schedule');
    expect([first?.status, second?.status]).toEqual(['failed', 'failed']);
    expect(first?.error).toBe('the provider answered HTTP 503 Service Unavailable (2 attempts)');
    expect((await a.service.status()).circuit).toBe('open');

    // A replica started afresh reads the same open circuit, and skips without calling the provider.
    const restarted = await replica('sync-replica-restarted');
    extra.push(restarted);
    const hitsBefore = hits;
    const skipped = await restarted.service.run('schedule');
    expect(skipped).toMatchObject({
      status: 'skipped',
      error: expect.stringMatching(/^skipped: the circuit is open after 2 consecutive failed syncs; it half-opens at /),
    });
    expect(await a.service.start('admin')).toMatchObject({ status: 'skipped' });
    expect(hits).toBe(hitsBefore);

    // After the cool-down it reads half_open; a failed trial re-opens it ...
    await eventually(async () => expect((await b.service.status()).circuit).toBe('half_open'), 3 * COOLDOWN_MS);
    expect(await b.service.run('schedule')).toMatchObject({ status: 'failed' });
    expect((await restarted.service.status()).circuit).toBe('open');

    // ... and a good one closes it.
    handler = (_req, res) => res.writeHead(200).end(FEED_V1);
    await eventually(async () => expect((await a.service.status()).circuit).toBe('half_open'), 3 * COOLDOWN_MS);
    expect(await a.service.run('schedule')).toMatchObject({ status: 'succeeded', new: 1 });
    expect((await b.service.status()).circuit).toBe('closed');
  });

  it('should apply a changed feed once and then cost zero catalog writes when the same bytes come back without validators', async () => {
    const applied = await a.service.run('schedule');
    expect(applied).toMatchObject({ status: 'succeeded', new: 1, unchanged: 0 });
    const after = await syncState();
    const fingerprint = await catalogFingerprint();
    expect(after.catalog_version).toBe('1');
    expect(after.content_hash).toBe(createHash('sha256').update(FEED_V1).digest('hex'));

    const again = await b.service.run('schedule');

    expect(again).toMatchObject({ status: 'succeeded', new: 0, changed: 0, unchanged: 1, invalid: 0 });
    expect(processor.calls).toBe(1);
    expect(await catalogFingerprint()).toBe(fingerprint);
    const state = await syncState();
    expect(state.catalog_version).toBe('1');
    expect(state.last_synced_at!.getTime()).toBeGreaterThan(after.last_synced_at!.getTime());
  });

  it('should send the validators it was given and cost zero catalog writes when the provider answers 304', async () => {
    const seen: Array<string | undefined> = [];
    handler = (req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Tue, 01 Dec 2026 09:00:00 GMT' }).end(FEED_V1);
    };
    await a.service.run('schedule');
    const fingerprint = await catalogFingerprint();

    const again = await b.service.run('schedule');

    expect(seen).toEqual([undefined, '"v1"']);
    expect(again).toMatchObject({ status: 'succeeded', new: 0, changed: 0, unchanged: 1 });
    expect(processor.calls).toBe(1);
    expect(await catalogFingerprint()).toBe(fingerprint);
    expect((await syncState()).catalog_version).toBe('1');
  });

  it('should apply a feed that changed and move the catalog version, telling readers through Redis', async () => {
    await a.service.run('schedule');
    const first = JSON.parse((await redis.get(PROVIDER_CATALOG_STATE_KEY))!);
    handler = (_req, res) => res.writeHead(200).end(FEED_V2);

    expect(await b.service.run('schedule')).toMatchObject({ status: 'succeeded', new: 1 });

    expect(processor.bodies).toEqual([FEED_V1, FEED_V2]);
    const second = JSON.parse((await redis.get(PROVIDER_CATALOG_STATE_KEY))!);
    expect(first).toEqual({ catalog_version: '1', synced_at: expect.any(String) });
    expect(second.catalog_version).toBe('2');
    expect(second.synced_at).toBe((await syncState()).last_synced_at!.toISOString());
  });

  it('should record a suspicious snapshot as a failed run that changed nothing, with its detail', async () => {
    await a.service.run('schedule');
    const fingerprint = await catalogFingerprint();
    const before = await syncState();
    handler = (_req, res) => res.writeHead(200).end(FEED_V2);
    processor.failWith = new SuspiciousSnapshotError('the feed lists 0 plans where the last one had 1', 0, 1);

    const run = await a.service.run('schedule');

    expect(run).toMatchObject({ status: 'failed', error: 'suspicious snapshot ignored, nothing changed: the feed lists 0 plans where the last one had 1' });
    const { rows } = await db.query(`SELECT details FROM provider_sync_runs WHERE id = $1`, [run!.id]);
    expect(rows[0].details).toEqual({ failure: 'suspicious_snapshot', plans: 0, previous_plan_count: 1 });
    expect(await catalogFingerprint()).toBe(fingerprint); // the processor's write was rolled back
    expect(await syncState()).toEqual(before);
  });

  it('should still succeed when Redis is down, the catalog state being best effort', async () => {
    const deadRedis = await connectRedis(TEST_ENV.REDIS_URL, 'sync-spec-dead');
    deadRedis.disconnect();
    const offline = await replica('sync-replica-no-redis', deadRedis);
    extra.push(offline);

    expect(await offline.service.run('schedule')).toMatchObject({ status: 'succeeded', new: 1 });
    expect(await redis.get(PROVIDER_CATALOG_STATE_KEY)).toBeNull();
    expect((await syncState()).catalog_version).toBe('1');
  });

  it('should report the circuit, the last sync and the newest runs first, in the contract shape', async () => {
    await a.service.run('startup');
    handler = (_req, res) => res.writeHead(404).end();
    await b.service.run('schedule');

    const status = await a.service.status();

    expect(status).toEqual({
      circuit: 'closed',
      last_synced_at: (await syncState()).last_synced_at!.toISOString(),
      runs: [
        {
          id: expect.any(String),
          status: 'failed',
          started_at: expect.any(String),
          finished_at: expect.any(String),
          new: 0,
          changed: 0,
          unchanged: 0,
          invalid: 0,
          error: 'the provider answered HTTP 404 Not Found',
        },
        {
          id: expect.any(String),
          status: 'succeeded',
          started_at: expect.any(String),
          finished_at: expect.any(String),
          new: 1,
          changed: 0,
          unchanged: 0,
          invalid: 0,
          error: null,
        },
      ],
    });
    expect(Date.parse(status.runs[0].started_at)).toBeGreaterThanOrEqual(Date.parse(status.runs[1].finished_at!));
  });
});
