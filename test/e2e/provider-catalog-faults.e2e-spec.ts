import Redis from 'ioredis';
import { Client } from 'pg';
import { ProviderSimClient } from '../../apps/provider-sim/src/admin/provider-sim.client';
import { ApiResponse, loginAdmin } from '../support/api-client';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { sample, scrape } from '../support/prometheus';
import { CatalogDriver, countsOf, resetProviderSync } from '../support/provider-catalog';
import { CATALOG, RUNS } from '../support/provider-catalog.fixtures';
import { TEST_ENV } from '../support/test-env';

const TIMEOUT_MS = 500;
const COOLDOWN_MS = 2000;

const durationOf = (run: { started_at: string; finished_at: string | null }) => Date.parse(run.finished_at!) - Date.parse(run.started_at);

// The provider misbehaving, end to end: the simulator's faults (its admin API) against the built scheduler with
// short timeouts, one retry, a breaker that opens after 2 failed syncs, and batches of one plan (so a feed that
// breaks half-way has written rows before it fails). The simulator sends no validators: unchanged means the
// same bytes (content hash). Whatever the provider does, GET /events/search answers from our storage.
describe('provider faults through the real sync (e2e)', () => {
  let platform: Platform;
  let sim: ProviderSimClient;
  let driver: CatalogDriver;
  let db: Client;
  let redis: Redis;
  let baseline: ApiResponse; // the catalog as last served after a successful sync
  let applied = 'feed-1'; // the fixture behind it

  async function expectCatalogAsBefore(): Promise<void> {
    const response = await driver.search('');
    expect({ status: response.status, syncedAt: response.headers.get('x-data-synced-at'), text: response.text }).toEqual({
      status: 200,
      syncedAt: baseline.headers.get('x-data-synced-at'),
      text: baseline.text,
    });
  }

  async function syncServed() {
    const run = await driver.sync();
    expect(run.status).toBe('succeeded');
    baseline = await driver.search('');
    return run;
  }

  // A fault on, the feed of another fixture behind it (so a partial apply would show), one sync: the failed run.
  async function failedSync(fault: Parameters<ProviderSimClient['setFault']>[0]) {
    await sim.setFeed({ mode: 'fixture', fixture: 'feed-3' });
    await sim.setFault(fault);
    const rows = await driver.fingerprint();
    const run = await driver.sync();
    expect(countsOf(run)).toEqual({ status: 'failed', new: 0, changed: 0, unchanged: 0, invalid: 0 });
    expect(await driver.fingerprint()).toBe(rows);
    expect((await driver.status()).last_synced_at).toBe(baseline.headers.get('x-data-synced-at'));
    await expectCatalogAsBefore();
    return run;
  }

  const circuit = async () => (await driver.status()).circuit;
  const circuitGauge = async () => sample(await scrape(platform.apps.scheduler!.url), 'provider_circuit_state');

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_ENV.REDIS_URL);
    await resetProviderSync(db, redis);
    platform = await startPlatform(3470, ['core', 'gateway', 'scheduler', 'provider-sim'], {
      scheduler: {
        PROVIDER_SYNC_INTERVAL: '1h', // only the start-up tick: the tests start every other sync
        PROVIDER_SYNC_JITTER: '0',
        PROVIDER_TIMEOUT: `${TIMEOUT_MS}ms`,
        PROVIDER_RETRY_ATTEMPTS: '1',
        PROVIDER_BREAKER_THRESHOLD: '2',
        PROVIDER_BREAKER_COOLDOWN: `${COOLDOWN_MS}ms`,
        PROVIDER_BATCH_SIZE: '1',
      },
      'provider-sim': { PROVIDER_SIM_FIXTURE: 'feed-1', PROVIDER_SIM_VALIDATORS: 'none' },
    });
    sim = platform.sim!;
    driver = new CatalogDriver(platform.api, (await loginAdmin(platform.api)).accessToken, db);
    const startup = await eventually(async () => {
      const [run] = (await driver.status()).runs;
      expect(run?.status).toBe('succeeded');
      return run;
    });
    expect(countsOf(startup)).toEqual(RUNS['feed-1']);
    baseline = await driver.served(startup.finished_at!);
  }, 60_000);

  // A provider that answers again with the feed last applied: the next sync succeeds, unchanged (which also resets
  // the breaker's count of failures).
  afterEach(async () => {
    await sim.clearFault();
    await sim.setFeed({ mode: 'fixture', fixture: applied });
    await syncServed();
  });

  afterAll(async () => {
    await platform?.stop();
    await resetProviderSync(db, redis);
    await db?.end();
    redis?.disconnect();
  });

  it('should report a repeat of the same bytes as unchanged by their content hash when the provider sends no validators, writing no row', async () => {
    const before = { rows: await driver.fingerprint(), stats: await sim.stats() };

    const run = await syncServed();

    expect(countsOf(run)).toEqual({ status: 'succeeded', new: 0, changed: 0, unchanged: 4, invalid: 0 });
    expect(await driver.feedOutcome(run.id)).toBe('same_content');
    const stats = await sim.stats();
    expect({ requests: stats.requests - before.stats.requests, notModified: stats.by_status['304'] }).toEqual({ requests: 1, notModified: undefined });
    expect(await driver.fingerprint()).toBe(before.rows);
    expect(baseline.body.data.events).toEqual(CATALOG['feed-1']);
  });

  it('should apply the feed when the provider answers 503 once and then the feed, within the retry budget', async () => {
    await sim.setFeed({ mode: 'fixture', fixture: 'feed-2' });
    await sim.setFault({ mode: 'server_error', times: 1 });
    const before = await sim.stats();

    const run = await syncServed();

    applied = 'feed-2';
    expect(countsOf(run)).toEqual(RUNS['feed-2']);
    const stats = await sim.stats();
    expect({ requests: stats.requests - before.requests, errors: stats.by_status['503'] - (before.by_status['503'] ?? 0) }).toEqual({ requests: 2, errors: 1 });
    expect(baseline.body.data.events).toEqual(CATALOG['feed-2']);
  });

  it('should record a failed run and change nothing when the feed breaks half-way, its first plans already upserted in batches of one', async () => {
    const run = await failedSync({ mode: 'malformed' });

    expect(run.error).toMatch(/^malformed feed, nothing changed: /);
  });

  it('should record a failed run and change nothing when every attempt gets a truncated body', async () => {
    const run = await failedSync({ mode: 'truncated' });

    expect(run.error).toMatch(/^the provider closed the connection before the feed was complete \(\d+ bytes of the \d+ announced\) \(2 attempts\)$/);
  });

  it('should record a failed run and change nothing when every attempt stalls half-way through the body past PROVIDER_TIMEOUT', async () => {
    const run = await failedSync({ mode: 'stall' });

    expect(run.error).toBe('the provider did not send the whole feed within 0.5 s (PROVIDER_TIMEOUT) (2 attempts)');
    expect(durationOf(run)).toBeGreaterThanOrEqual(2 * TIMEOUT_MS);
  });

  it('should record a failed run and change nothing when the provider answers 200 with an empty output', async () => {
    const run = await failedSync({ mode: 'empty' });

    expect(run.error).toBe('suspicious snapshot ignored, nothing changed: the snapshot holds no valid plan (0 invalid)');
  });

  it('should wait the Retry-After of a 429 before trying again, and then sync', async () => {
    await sim.setFault({ mode: 'rate_limit', retry_after_s: 1, times: 1 });
    const before = await sim.stats();

    const run = await syncServed();

    // The backoff alone waits well under a second before the first retry.
    expect(durationOf(run)).toBeGreaterThanOrEqual(1000);
    const stats = await sim.stats();
    expect({ requests: stats.requests - before.requests, limited: stats.by_status['429'] }).toEqual({ requests: 2, limited: 1 });
  });

  it('should give up on a hanging provider after PROVIDER_TIMEOUT per attempt while the catalog keeps answering at once', async () => {
    await sim.setFault({ mode: 'hang' });
    const { id } = await driver.start();

    await eventually(async () => expect((await sim.stats()).held).toBe(1));
    const started = Date.now();
    await expectCatalogAsBefore();
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    const run = await driver.finished(id);

    expect(run).toMatchObject({ status: 'failed', error: 'the provider did not answer within 0.5 s (PROVIDER_TIMEOUT) (2 attempts)' });
    expect(durationOf(run)).toBeGreaterThanOrEqual(2 * TIMEOUT_MS);
    expect(durationOf(run)).toBeLessThan(4 * TIMEOUT_MS + 1000);
    await expectCatalogAsBefore();
  });

  it('should open the circuit after 2 failed syncs, skip syncs while open, half-open after the cool-down and close on a successful trial', async () => {
    expect([await circuit(), await circuitGauge()]).toEqual(['closed', 0]);
    await sim.setFault({ mode: 'server_error' });

    expect((await driver.sync()).status).toBe('failed');
    expect(await circuit()).toBe('closed');
    expect((await driver.sync()).status).toBe('failed');
    expect([await circuit(), await circuitGauge()]).toEqual(['open', 1]);
    await expectCatalogAsBefore();

    const requests = (await sim.stats()).requests;
    const accepted = await driver.start();
    expect(accepted.status).toBe('skipped');
    const skipped = await driver.finished(accepted.id);
    expect(skipped).toMatchObject({
      status: 'skipped',
      error: expect.stringMatching(/^skipped: the circuit is open after 2 consecutive failed syncs; it half-opens at /),
    });
    expect((await sim.stats()).requests).toBe(requests);
    await expectCatalogAsBefore();

    // The cool-down over, one trial: it fails (the provider is still down), so the circuit opens again.
    await eventually(async () => expect([await circuit(), await circuitGauge()]).toEqual(['half_open', 2]), COOLDOWN_MS + 3000);
    expect((await driver.sync()).status).toBe('failed');
    expect(await circuit()).toBe('open');
    await expectCatalogAsBefore();

    // The next trial meets a provider that answers again: the circuit closes.
    await eventually(async () => expect(await circuit()).toBe('half_open'), COOLDOWN_MS + 3000);
    await sim.clearFault();
    expect((await driver.sync()).status).toBe('succeeded');
    expect([await circuit(), await circuitGauge()]).toEqual(['closed', 0]);
  });
});
