import { ClientProxy, ClientProxyFactory } from '@nestjs/microservices';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { rmqClientOptions } from '@app/common';
import { PROVIDER_PATTERNS, ProviderSyncStatusReply, QUEUES, StartProviderSyncReply } from '@app/contracts';
import { PROVIDER_SYNC_LOCK_KEY } from '@app/persistence';
import { advisoryLockFilter } from '../support/advisory-lock';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { sample, scrape } from '../support/prometheus';
import { TEST_ENV } from '../support/test-env';

const LOCK_HOLDERS = `SELECT count(*)::int AS n FROM pg_locks WHERE ${advisoryLockFilter(PROVIDER_SYNC_LOCK_KEY)} AND granted`;

// Two built scheduler replicas against a provider stand-in that the test controls, driven over the admin RPC
// (QUEUES.schedulerRpc) as the gateway drives it. The provider fails (503) here, so what is checked does not
// depend on the feed processor: one sync at a time, the RPC answers, metrics, and a shutdown mid-sync.
describe('provider sync across scheduler replicas (e2e)', () => {
  let provider: Server;
  let respond: (req: IncomingMessage, res: ServerResponse) => void;
  const held: ServerResponse[] = [];
  let schedulers: AppProcess[] = [];
  let rpc: ClientProxy;
  let db: Client;

  const send = <T>(pattern: string, data: unknown = {}) => firstValueFrom(rpc.send<T>(pattern, data).pipe(timeout(10_000)));
  const runs = async () =>
    (
      await db.query<{ id: string; status: string; trigger: string; error: string | null; started_at: Date; finished_at: Date | null }>(
        `SELECT id, status, trigger, error, started_at, finished_at FROM provider_sync_runs ORDER BY started_at`,
      )
    ).rows;
  const holdRequests = () => (respond = (_req, res) => void held.push(res));
  const answer503 = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(503).end();
  const releaseHeld = () => {
    for (const res of held.splice(0)) res.writeHead(503).end();
  };

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    await db.query(`DELETE FROM provider_sync_runs`);
    await db.query(`UPDATE provider_sync_state SET breaker = NULL, last_synced_at = NULL WHERE provider = 'default'`);
    respond = answer503;
    provider = createServer((req, res) => respond(req, res));
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const env = {
      PROVIDER_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/feed`,
      PROVIDER_SYNC_INTERVAL: '1h', // only the start-up tick: the test drives the rest
      PROVIDER_RETRY_ATTEMPTS: '0',
      PROVIDER_BREAKER_THRESHOLD: '50',
    };
    schedulers = await Promise.all([startApp('scheduler', 3470, env), startApp('scheduler', 3473, env)]);
    rpc = ClientProxyFactory.create(rmqClientOptions(TEST_ENV.RABBITMQ_URL, QUEUES.schedulerRpc));
    await rpc.connect();
  }, 60_000);

  afterAll(async () => {
    releaseHeld();
    await rpc?.close();
    await Promise.all(schedulers.map((app) => app.stop()));
    provider.closeAllConnections();
    await new Promise((resolve) => provider.close(resolve));
    await db.end();
  });

  it('should sync at start-up without two syncs ever overlapping', async () => {
    const started = await eventually(async () => {
      const texts = await Promise.all(schedulers.map((app) => scrape(app.url)));
      const total = texts.reduce((sum, text) => sum + (sample(text, 'provider_sync_ticks_total', { outcome: 'started' }) ?? 0), 0);
      expect(total).toBeGreaterThanOrEqual(1);
      return runs();
    });
    await eventually(async () => expect((await runs()).every((run) => run.status !== 'running')).toBe(true));

    const startup = (await runs()).filter((run) => run.trigger === 'startup');
    expect(started.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < startup.length; i++) expect(startup[i].started_at.getTime()).toBeGreaterThanOrEqual(startup[i - 1].finished_at!.getTime());
    expect(startup[0]).toMatchObject({ status: 'failed', error: 'the provider answered HTTP 503 Service Unavailable' });
  });

  it('should answer every admin start with the one running sync, whichever replica takes the call', async () => {
    holdRequests();

    const replies = await Promise.all(Array.from({ length: 6 }, () => send<StartProviderSyncReply>(PROVIDER_PATTERNS.syncStart, { trigger: 'admin' })));

    const running = (await runs()).filter((run) => run.status === 'running');
    expect(running).toHaveLength(1);
    for (const reply of replies) expect(reply).toEqual({ id: running[0].id, status: 'running', started_at: running[0].started_at.toISOString() });
    expect((await db.query(LOCK_HOLDERS)).rows[0].n).toBe(1);

    await eventually(() => expect(held).toHaveLength(1));
    releaseHeld();
    respond = answer503;
    const status = await eventually(async () => {
      const reply = await send<ProviderSyncStatusReply>(PROVIDER_PATTERNS.syncStatus);
      expect(reply.runs[0]).toMatchObject({ id: running[0].id, status: 'failed' });
      return reply;
    });
    expect(status).toEqual({ circuit: 'closed', last_synced_at: null, runs: expect.any(Array) });
    expect(status.runs[0]).toEqual({
      id: running[0].id,
      status: 'failed',
      started_at: running[0].started_at.toISOString(),
      finished_at: expect.any(String),
      new: 0,
      changed: 0,
      unchanged: 0,
      invalid: 0,
      error: 'the provider answered HTTP 503 Service Unavailable',
    });
    // The run is recorded first, then the breaker saved and the lock released.
    await eventually(async () => expect((await db.query(LOCK_HOLDERS)).rows[0].n).toBe(0));
  });

  it('should refuse a start whose trigger is not one the contract knows, as a validation error', async () => {
    await expect(send(PROVIDER_PATTERNS.syncStart, { trigger: 'whenever' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('should publish the circuit state and the runs on /metrics', async () => {
    const texts = await Promise.all(schedulers.map((app) => scrape(app.url)));

    for (const text of texts) expect(sample(text, 'provider_circuit_state')).toBe(0);
    const adminFailed = texts.reduce((sum, text) => sum + (sample(text, 'provider_sync_runs_total', { trigger: 'admin', status: 'failed' }) ?? 0), 0);
    expect(adminFailed).toBe(1);
  });

  it('should record an interrupted sync and release the lock when its scheduler shuts down mid-fetch', async () => {
    holdRequests();
    const reply = await send<StartProviderSyncReply>(PROVIDER_PATTERNS.syncStart, { trigger: 'admin' });
    await eventually(() => expect(held).toHaveLength(1));

    const codes = await Promise.all(schedulers.map((app) => app.stop()));

    expect(codes).toEqual([0, 0]);
    const [run] = (await runs()).filter((row) => row.id === reply.id);
    expect(run).toMatchObject({ status: 'failed', error: 'interrupted: the scheduler is shutting down' });
    expect((await db.query(LOCK_HOLDERS)).rows[0].n).toBe(0);
  });
});
