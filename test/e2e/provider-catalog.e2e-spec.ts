import Redis from 'ioredis';
import { Client } from 'pg';
import { ProviderSimClient } from '../../apps/provider-sim/src/admin/provider-sim.client';
import { loginAdmin } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { sample, scrape } from '../support/prometheus';
import { CatalogDriver, countsOf, eventsOf, resetProviderSync } from '../support/provider-catalog';
import { autumn, CATALOG, evening, NEVER_SERVED, RUNS, spring } from '../support/provider-catalog.fixtures';
import { TEST_ENV } from '../support/test-env';

const BASE_PORT = 3470;
const SCHEDULER_PORT = BASE_PORT + 3; // the platform's scheduler offset
const SECOND_SCHEDULER_PORT = BASE_PORT + 5;
// Only the start-up tick: the tests start every other sync through POST /admin/sync.
const SCHEDULER_ENV = { PROVIDER_SYNC_INTERVAL: '1h', PROVIDER_SYNC_JITTER: '0' };

// The whole chain through the built apps: the simulator's fixtures -> the scheduler's sync -> Postgres -> core ->
// the gateway's GET /events/search, driven by the admin routes, each fixture pinned through the simulator's admin API.
describe('provider catalog through the real sync (e2e)', () => {
  let platform: Platform;
  let sim: ProviderSimClient;
  let driver: CatalogDriver;
  let db: Client;
  let redis: Redis;
  let second: AppProcess | undefined;
  const syncTimes: string[] = [];

  // Pins a fixture and syncs it; the run, with its X-Data-Synced-At after every earlier sync's.
  async function syncFixture(fixture: string) {
    await sim.setFeed({ mode: 'fixture', fixture });
    const run = await driver.sync();
    expect(run.status).toBe('succeeded');
    expect(run.finished_at! > (syncTimes.at(-1) ?? '')).toBe(true);
    expect((await driver.status()).last_synced_at).toBe(run.finished_at);
    syncTimes.push(run.finished_at!);
    return run;
  }

  const catalog = async () => eventsOf(await driver.search(''));
  const runIds = async () => new Set((await driver.status()).runs.map((run) => run.id));

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    redis = new Redis(TEST_ENV.REDIS_URL);
    await resetProviderSync(db, redis);
    platform = await startPlatform(BASE_PORT, ['core', 'gateway', 'scheduler', 'provider-sim'], {
      scheduler: SCHEDULER_ENV,
      'provider-sim': { PROVIDER_SIM_FIXTURE: 'feed-1' },
    });
    sim = platform.sim!;
    driver = new CatalogDriver(platform.api, (await loginAdmin(platform.api)).accessToken, db);
  }, 60_000);

  afterAll(async () => {
    await second?.stop();
    await platform?.stop();
    await resetProviderSync(db, redis);
    await db?.end();
    redis?.disconnect();
  });

  it('should apply feed-1 at start-up: its online plans served in Madrid time, the offline plan with an impossible date skipped and counted', async () => {
    const startup = await eventually(async () => {
      const [run] = (await driver.status()).runs;
      expect(run?.status).toBe('succeeded');
      return run;
    });

    expect(countsOf(startup)).toEqual(RUNS['feed-1']);
    expect(Object.keys(startup).sort()).toEqual(['changed', 'error', 'finished_at', 'id', 'invalid', 'new', 'started_at', 'status', 'unchanged']);
    expect(Object.keys(await driver.status()).sort()).toEqual(['circuit', 'last_synced_at', 'runs']);
    const response = await driver.served(startup.finished_at!);
    expect(eventsOf(response)).toEqual(CATALOG['feed-1']);
    // plan_id 1642 in base plans 322 and 1591: two events, two ids.
    expect(new Set(eventsOf(response).map((event) => event.id)).size).toBe(4);
    syncTimes.push(startup.finished_at!);
  });

  it('should keep serving a plan that left the feed and never serve the offline-only plan that joined it (feed-2)', async () => {
    const before = await driver.fingerprint();

    const run = await syncFixture('feed-2');

    expect(countsOf(run)).toEqual(RUNS['feed-2']);
    expect(await catalog()).toEqual(CATALOG['feed-2']);
    expect(await driver.fingerprint()).not.toBe(before);
  });

  it('should keep serving a plan that turned offline, and skip only the plan with an impossible date while its siblings apply (feed-3)', async () => {
    const run = await syncFixture('feed-3');

    expect(countsOf(run)).toEqual(RUNS['feed-3']);
    const events = await catalog();
    expect(events).toEqual(CATALOG['feed-3']);
    for (const id of NEVER_SERVED) expect(events.map((event) => event.id)).not.toContain(id);
  });

  it('should keep every id across a restart and a second replica, whose start-up syncs find the feed unchanged (304) and write nothing', async () => {
    const before = { text: (await driver.search('')).text, rows: await driver.fingerprint(), runs: await runIds() };
    const notModified = (await sim.stats()).by_status['304'] ?? 0;

    await platform.apps.scheduler!.stop();
    const env = { ...SCHEDULER_ENV, PROVIDER_URL: sim.feedUrl };
    const replicas = await Promise.all([startApp('scheduler', SCHEDULER_PORT, env), startApp('scheduler', SECOND_SCHEDULER_PORT, env)]);
    [platform.apps.scheduler, second] = replicas;

    // Both replicas tick at start-up (a sync, or a skip while the other's runs); one sync runs at a time.
    for (const app of replicas) {
      await eventually(async () => {
        const text = await scrape(app.url);
        const ticks = ['started', 'skipped_running'].map((outcome) => sample(text, 'provider_sync_ticks_total', { outcome }) ?? 0);
        expect(ticks[0] + ticks[1]).toBe(1);
      });
    }
    const startups = await eventually(async () => {
      const runs = (await driver.status()).runs.filter((run) => !before.runs.has(run.id));
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.every((run) => run.status !== 'running')).toBe(true);
      return runs.reverse();
    });
    for (const run of startups) expect(countsOf(run)).toEqual({ status: 'succeeded', new: 0, changed: 0, unchanged: 7, invalid: 0 });
    for (let i = 1; i < startups.length; i++) expect(startups[i].started_at >= startups[i - 1].finished_at!).toBe(true);
    expect((await sim.stats()).by_status['304']).toBe(notModified + startups.length);
    const latest = startups[startups.length - 1].finished_at!;
    const after = await driver.served(latest);
    syncTimes.push(latest);
    expect(after.text).toBe(before.text);
    expect(await driver.fingerprint()).toBe(before.rows);
  });

  it('should apply feed-4 (a plan back with a new end, one back online, a zone lost: max price 30 -> 20, two invalid plans) under the same ids', async () => {
    const idsBefore = (await catalog()).map((event) => event.id);

    const run = await syncFixture('feed-4');

    expect(countsOf(run)).toEqual(RUNS['feed-4']);
    const response = await driver.search('');
    expect(eventsOf(response)).toEqual(CATALOG['feed-4']);
    expect(eventsOf(response).map((event) => event.id)).toEqual(idsBefore);
    const alias = await driver.search('', '/search');
    expect({ status: alias.status, text: alias.text, syncedAt: alias.headers.get('x-data-synced-at') }).toEqual({
      status: 200,
      text: response.text,
      syncedAt: run.finished_at,
    });
  });

  it('should report a repeat of the same feed as unchanged (a 304 to its validators) and write no provider_plans row', async () => {
    const before = { text: (await driver.search('')).text, rows: await driver.fingerprint(), stats: await sim.stats() };

    const run = await syncFixture('feed-4');

    expect(countsOf(run)).toEqual({ status: 'succeeded', new: 0, changed: 0, unchanged: 7, invalid: 0 });
    expect(await driver.feedOutcome(run.id)).toBe('not_modified');
    expect((await sim.stats()).by_status['304']).toBe((before.stats.by_status['304'] ?? 0) + 1);
    expect(await driver.fingerprint()).toBe(before.rows);
    expect((await driver.search('')).text).toBe(before.text);
  });

  it('should answer admin calls racing each other across two replicas with the one sync that runs', async () => {
    const before = await runIds();
    // The provider takes a while, so every call lands while that sync runs.
    await sim.setFault({ mode: 'latency', latency_ms: 1200, times: 1 });

    const replies = await Promise.all(Array.from({ length: 6 }, () => driver.start()));

    expect(new Set(replies.map((reply) => reply.id)).size).toBe(1);
    expect(Object.keys(replies[0]).sort()).toEqual(['id', 'started_at', 'status']);
    expect(replies.every((reply) => reply.status === 'running')).toBe(true);
    const run = await driver.finished(replies[0].id);
    expect(run.status).toBe('succeeded');
    expect((await driver.status()).runs.filter((candidate) => !before.has(candidate.id)).map((candidate) => candidate.id)).toEqual([run.id]);
    await driver.served(run.finished_at!);
    syncTimes.push(run.finished_at!);
  });

  describe('range edges across the DST changes of 2021 in Europe/Madrid (feed-2 plans)', () => {
    const ids = async (query: string) => {
      const response = await driver.search(query);
      expect({ query, status: response.status }).toEqual({ query, status: 200 });
      return eventsOf(response).map((event) => event.id);
    };
    const expectRanges = async (cases: Array<[string, Array<{ id: string }>]>) => {
      for (const [query, expected] of cases) expect({ query, ids: await ids(query) }).toEqual({ query, ids: expected.map((event) => event.id) });
    };
    const autumnEvent = autumn('2021-10-31T03:30:00');

    beforeAll(async () => {
      await syncFixture('feed-2');
    });

    it('should contain the March plan (one real hour) with inclusive bounds, in Madrid time without an offset and as given with one', async () => {
      expect(eventsOf(await driver.search('starts_at=2021-03-28T01:30:00&ends_at=2021-03-28T03:30:00'))).toEqual([spring]);
      await expectRanges([
        ['starts_at=2021-03-28T01:30:01&ends_at=2021-03-28T03:30:00', []],
        ['starts_at=2021-03-28T01:30:00&ends_at=2021-03-28T03:29:59', []],
        ['starts_at=2021-03-28T00:30:00Z&ends_at=2021-03-28T01:30:00Z', [spring]],
        ['starts_at=2021-03-28T01:30:00%2B01:00&ends_at=2021-03-28T03:30:00%2B02:00', [spring]],
        ['starts_at=2021-03-28T00:30:00.001Z&ends_at=2021-03-28T01:30:00Z', []],
        ['starts_at=2021-03-28T00:30:00Z&ends_at=2021-03-28T01:29:59.999Z', []],
        // The wall-clock times read as UTC: the instants are elsewhere.
        ['starts_at=2021-03-28T01:30:00Z&ends_at=2021-03-28T03:30:00Z', []],
        // The 23-hour local day.
        ['starts_at=2021-03-28&ends_at=2021-03-28', [spring]],
        ['starts_at=2021-03-28T03:00:00&ends_at=2021-03-28T04:00:00', []],
      ]);
      // 02:30 does not exist that night in Madrid.
      expect((await driver.search('starts_at=2021-03-28T02:30:00')).status).toBe(400);
    });

    it('should contain the October plan (three real hours) with inclusive bounds, and read a repeated local time at its most inclusive instant', async () => {
      expect(eventsOf(await driver.search('starts_at=2021-10-31T01:30:00&ends_at=2021-10-31T03:30:00'))).toEqual([autumnEvent]);
      await expectRanges([
        ['starts_at=2021-10-30T23:30:00Z&ends_at=2021-10-31T02:30:00Z', [autumnEvent]],
        ['starts_at=2021-10-31T01:30:00%2B02:00&ends_at=2021-10-31T03:30:00%2B01:00', [autumnEvent]],
        ['starts_at=2021-10-30T23:30:00Z&ends_at=2021-10-31T02:29:59Z', []],
        ['starts_at=2021-10-31T01:30:01&ends_at=2021-10-31T03:30:00', []],
        ['starts_at=2021-10-31T01:30:00Z&ends_at=2021-10-31T03:30:00Z', []],
        // The 25-hour local day.
        ['starts_at=2021-10-31&ends_at=2021-10-31', [autumnEvent, evening]],
        // 02:30 happens twice: as starts_at its first instant (after 1700/2 began), as ends_at its second (before it ends).
        ['starts_at=2021-10-31T02:30:00', [evening]],
        ['starts_at=2021-10-31&ends_at=2021-10-31T02:30:00', []],
        ['starts_at=2021-10-31&ends_at=2021-10-31T03:30:00', [autumnEvent]],
      ]);
    });

    it('should answer a range across both changes, and each bound alone, with every plan it contains by start then id', async () => {
      const camela = CATALOG['feed-2'][3];
      const morancos = CATALOG['feed-2'][4];
      await expectRanges([
        ['starts_at=2021-03-28T01:30:00&ends_at=2021-10-31T03:30:00', [spring, camela, morancos, autumnEvent]],
        ['starts_at=2021-03-28T00:30:00Z&ends_at=2021-10-31T02:30:00Z', [spring, camela, morancos, autumnEvent]],
        ['starts_at=2021-03-28T01:30:00&ends_at=2021-10-31T03:29:59', [spring, camela, morancos]],
        ['starts_at=2021-03-28T01:30:00', [spring, camela, morancos, autumnEvent, evening]],
        ['starts_at=2021-03-01&ends_at=2021-03-28T03:30:00', [spring]],
      ]);
    });
  });
});
