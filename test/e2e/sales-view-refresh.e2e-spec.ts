import { Client } from 'pg';
import { ApiClient, loginAdmin } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { seedOrders } from '../support/seed-orders';
import { sample, scrape } from '../support/prometheus';
import { ThrowawayRedis } from '../support/redis-server';
import { TEST_ENV } from '../support/test-env';

interface RefreshLog {
  trigger: 'admin' | 'schedule';
  tick_at: string | null;
  started_at?: string;
  refreshed_at?: string;
  skipped?: string;
}

const refreshLogs = (app: AppProcess): RefreshLog[] => app.logs().flatMap((line) => (line.sales_view_refresh ? [line.sales_view_refresh as RefreshLog] : []));
const OUTCOMES = ['refreshed', 'skipped_running', 'skipped_tick_served', 'failed'];
const EVERY_SECOND = { MV_REFRESH_SCHEDULE: '* * * * * *' };

async function sumOver(apps: AppProcess[], name: string, labelSets: Array<Record<string, string>>): Promise<number> {
  const texts = await Promise.all(apps.map((app) => scrape(app.url)));
  return texts.reduce((sum, text) => sum + labelSets.reduce((n, labels) => n + (sample(text, name, labels) ?? 0), 0), 0);
}

const publishedTicks = (apps: AppProcess[]) =>
  apps.flatMap((app) =>
    app.logs().flatMap((line) => (String(line.message).startsWith('sales view refresh requested for tick') ? [String(line.message).split(' ').pop()!] : [])),
  );

const handledCommands = (apps: AppProcess[]) =>
  sumOver(
    apps,
    'daily_sales_mv_refreshes_total',
    OUTCOMES.map((outcome) => ({ trigger: 'schedule', outcome })),
  );

// Never two refreshes at once, on one core or across both: the [start, commit] intervals do not overlap.
function expectNoOverlap(refreshes: RefreshLog[]): void {
  const intervals = refreshes.map((entry) => [Date.parse(entry.started_at!), Date.parse(entry.refreshed_at!)] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < intervals.length; i++) expect(intervals[i][0]).toBeGreaterThanOrEqual(intervals[i - 1][1]);
}

// Two scheduler replicas ticking every second, two core replicas consuming their commands, and admins calling
// POST /admin/refresh in the middle: never two refreshes at once, and each tick refreshed at most once.
describe('sales view refresh across replicas (e2e)', () => {
  let cores: AppProcess[] = [];
  let schedulers: AppProcess[] = [];
  let gateway: AppProcess;
  let api: ApiClient;
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    await db.query('DELETE FROM orders');
    // Enough orders that a refresh takes a while, so the replicas really contend for it.
    await seedOrders(db, 300_000, 60);
    await db.query('UPDATE materialized_view_refreshes SET last_tick_at = NULL');
    cores = [await startApp('core', 3441), await startApp('core', 3445)];
    gateway = await startApp('gateway', 3440);
    api = new ApiClient(gateway.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...schedulers, ...cores, gateway].filter(Boolean).map((app) => app.stop()));
    await db.query('DELETE FROM orders');
    await db.end();
  });

  it('should run one refresh at a time and refresh each tick once when two schedulers and admins race', async () => {
    const admin = (await loginAdmin(api)).accessToken;
    schedulers = await Promise.all([startApp('scheduler', 3443, EVERY_SECOND), startApp('scheduler', 3446, EVERY_SECOND)]);
    const published = () => sumOver(schedulers, 'scheduler_ticks_total', [{ job: 'sales-view-refresh', outcome: 'published' }]);

    // Admin refreshes in bursts while the ticks come in.
    const adminCalls: Array<Promise<{ status: number; body: { refreshed_at: string }; calledAt: number }>> = [];
    for (let burst = 0; burst < 3; burst++) {
      await eventually(async () => expect(await published()).toBeGreaterThanOrEqual(2 * (burst + 1)), 20_000);
      for (let i = 0; i < 3; i++) {
        const calledAt = Date.now();
        adminCalls.push(api.post('/api/v1/admin/refresh', undefined, { token: admin }).then((res) => ({ ...res, calledAt })));
      }
    }
    const answers = await Promise.all(adminCalls);
    await Promise.all(schedulers.map((app) => app.stop()));
    const ticks = publishedTicks(schedulers);
    // Every published command handled by one core or the other, whatever became of it.
    await eventually(async () => expect(await handledCommands(cores)).toBe(ticks.length), 20_000);

    // One publish per tick across the two schedulers.
    expect(ticks.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ticks).size).toBe(ticks.length);
    // Every admin got a refresh that started after its call.
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(new Date(answer.body.refreshed_at).getTime()).toBeGreaterThanOrEqual(answer.calledAt);
    }
    const refreshes = cores.flatMap(refreshLogs).filter((entry) => entry.refreshed_at);
    const scheduled = refreshes.filter((entry) => entry.trigger === 'schedule');
    expect(scheduled.length).toBeGreaterThan(0);
    // No tick refreshed twice, and none that was not published.
    expect(new Set(scheduled.map((entry) => entry.tick_at)).size).toBe(scheduled.length);
    for (const entry of scheduled) expect(ticks).toContain(entry.tick_at);
    expectNoOverlap(refreshes);
    // Nine admin calls shared refreshes rather than queueing nine.
    expect(refreshes.filter((entry) => entry.trigger === 'admin').length).toBeLessThanOrEqual(answers.length);
  }, 90_000);

  it('should still refresh each tick at most once when the schedulers cannot share a claim (each its own Redis)', async () => {
    const redises = [new ThrowawayRedis(3447), new ThrowawayRedis(3448)];
    await Promise.all(redises.map((redis) => redis.start()));
    const handledBefore = await handledCommands(cores);
    const refreshedBefore = cores.flatMap(refreshLogs).length;
    try {
      schedulers = await Promise.all(redises.map((redis, i) => startApp('scheduler', 3443 + 3 * i, { ...EVERY_SECOND, REDIS_URL: redis.url })));
      await eventually(async () => expect(new Set(publishedTicks(schedulers)).size).toBeGreaterThanOrEqual(5), 20_000);
      await Promise.all(schedulers.map((app) => app.stop()));
    } finally {
      await Promise.all(redises.map((redis) => redis.stop()));
    }
    const ticks = publishedTicks(schedulers);
    await eventually(async () => expect((await handledCommands(cores)) - handledBefore).toBe(ticks.length), 20_000);

    // Both replicas published (nearly) every tick ...
    expect(ticks.length).toBeGreaterThan(new Set(ticks).size);
    // ... and core refreshed each at most once: the copies found it running or already served.
    const scheduled = cores
      .flatMap(refreshLogs)
      .slice(refreshedBefore)
      .filter((entry) => entry.trigger === 'schedule' && entry.refreshed_at);
    expect(scheduled.length).toBeGreaterThan(0);
    expect(new Set(scheduled.map((entry) => entry.tick_at)).size).toBe(scheduled.length);
    const skipped = await sumOver(cores, 'daily_sales_mv_refreshes_total', [
      { trigger: 'schedule', outcome: 'skipped_running' },
      { trigger: 'schedule', outcome: 'skipped_tick_served' },
    ]);
    expect(skipped).toBeGreaterThanOrEqual(ticks.length - new Set(ticks).size);
    expectNoOverlap(cores.flatMap(refreshLogs).filter((entry) => entry.refreshed_at));
  }, 90_000);
});
