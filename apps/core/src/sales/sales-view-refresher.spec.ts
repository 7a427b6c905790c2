import { Logger } from '@nestjs/common';
import { MetricsService } from '@app/common';
import { SalesViewRefreshOutcome, SalesViewRepository } from '@app/persistence';
import { SalesCacheWriter } from './sales-cache.writer';
import { SalesViewMetrics } from './sales-view.metrics';
import { SalesViewRefresher } from './sales-view-refresher';

const REFRESHED: SalesViewRefreshOutcome = {
  status: 'refreshed',
  startedAt: new Date('2026-12-01T10:00:00.000Z'),
  refreshedAt: new Date('2026-12-01T10:00:01.250Z'),
  durationMs: 1250,
};

describe('SalesViewRefresher', () => {
  let repository: { refresh: jest.Mock; lastRefreshedAt: jest.Mock };
  let cache: { fence: jest.Mock; write: jest.Mock };
  let metrics: MetricsService;
  let sut: SalesViewRefresher;

  async function counted(): Promise<Record<string, number>> {
    const { values } = await metrics.registry.getSingleMetric('daily_sales_mv_refreshes_total')!.get();
    return Object.fromEntries(values.map((value) => [`${value.labels.trigger}/${value.labels.outcome}`, value.value]));
  }

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    repository = { refresh: jest.fn().mockResolvedValue(REFRESHED), lastRefreshedAt: jest.fn().mockResolvedValue(REFRESHED.refreshedAt) };
    metrics = new MetricsService();
    const salesMetrics = new SalesViewMetrics(metrics, repository as unknown as SalesViewRepository);
    cache = { fence: jest.fn().mockResolvedValue(undefined), write: jest.fn().mockResolvedValue(undefined) };
    sut = new SalesViewRefresher({ MV_REFRESH_TIMEOUT_MS: 240_000 }, repository as unknown as SalesViewRepository, salesMetrics, cache as unknown as SalesCacheWriter);
  });
  afterEach(() => jest.restoreAllMocks());

  it('should wait for the lock, bound by MV_REFRESH_TIMEOUT_MS, and answer refreshed_at and duration_ms when an admin refreshes', async () => {
    await expect(sut.refreshNow()).resolves.toEqual({ refreshed_at: '2026-12-01T10:00:01.250Z', duration_ms: 1250 });

    expect(repository.refresh).toHaveBeenCalledWith({ wait: true, timeoutMs: 240_000, beforeCommit: expect.any(Function) });
    expect(await counted()).toEqual({ 'admin/refreshed': 1 });
    const histogram = await metrics.registry.getSingleMetric('daily_sales_mv_refresh_duration_seconds')!.get();
    expect(histogram.values.find((value) => (value as { metricName?: string }).metricName?.endsWith('_sum'))?.value).toBe(1.25);
  });

  it('should reject and count the failure when an admin refresh times out', async () => {
    repository.refresh.mockRejectedValue(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }));

    await expect(sut.refreshNow()).rejects.toMatchObject({ code: '57014' });
    expect(await counted()).toEqual({ 'admin/failed': 1 });
  });

  it('should try the lock without waiting and pass the tick when the scheduler asks', async () => {
    const tickAt = new Date('2026-12-01T10:00:00.000Z');

    await expect(sut.refreshForTick(tickAt)).resolves.toEqual(REFRESHED);
    expect(repository.refresh).toHaveBeenCalledWith({ wait: false, timeoutMs: 240_000, tickAt, beforeCommit: expect.any(Function) });
  });

  it.each([
    ['running', 'schedule/skipped_running'],
    ['tick-already-served', 'schedule/skipped_tick_served'],
  ] as const)('should count a skip when the repository finds the tick %s', async (reason, label) => {
    repository.refresh.mockResolvedValue({ status: 'skipped', reason });

    await expect(sut.refreshForTick(new Date())).resolves.toEqual({ status: 'skipped', reason });
    expect(await counted()).toEqual({ [label]: 1 });
  });

  it('should skip a tick without asking the database when a refresh already runs in this process', async () => {
    let finish!: (outcome: SalesViewRefreshOutcome) => void;
    repository.refresh.mockReturnValueOnce(new Promise((resolve) => (finish = resolve)));
    const admin = sut.refreshNow();
    await new Promise((resolve) => setImmediate(resolve));

    await expect(sut.refreshForTick(new Date())).resolves.toEqual({ status: 'skipped', reason: 'running' });
    finish(REFRESHED);
    await admin;
    expect(repository.refresh).toHaveBeenCalledTimes(1);
    expect(await counted()).toEqual({ 'admin/refreshed': 1, 'schedule/skipped_running': 1 });
  });

  it('should count a failed tick and resolve, so the command is acked and the next tick retries', async () => {
    repository.refresh.mockRejectedValue(new Error('connection terminated'));

    await expect(sut.refreshForTick(new Date())).resolves.toBeUndefined();
    expect(await counted()).toEqual({ 'schedule/failed': 1 });
  });

  it('should report the age from the last refresh Postgres recorded, and keep ageing it when the read fails', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:31.250Z'), doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const age = async () => (await metrics.registry.getSingleMetric('daily_sales_mv_age_seconds')!.get()).values[0].value;
      expect(await age()).toBe(30);
      repository.lastRefreshedAt.mockRejectedValue(new Error('statement timeout'));
      jest.setSystemTime(new Date('2026-12-01T10:01:01.250Z'));
      expect(await age()).toBe(60);
    } finally {
      jest.useRealTimers();
    }
  });

  it('should report an unknown age (NaN), not a scrape error, when no refresh was ever read', async () => {
    repository.lastRefreshedAt.mockRejectedValue(new Error('database down'));

    const { values } = await metrics.registry.getSingleMetric('daily_sales_mv_age_seconds')!.get();
    expect(values[0].value).toBeNaN();
  });

  it('should fence the dashboard cache before the commit and write the refreshed rows after it when a refresh commits', async () => {
    const snapshot = { version: '1764583201250000', today: '2026-12-01', rows: [{ saleDate: '2026-12-01', totalRevenue: '1.50', orderCount: '2' }] };
    repository.refresh.mockImplementation(async (request: { beforeCommit: () => Promise<void> }) => {
      await request.beforeCommit();
      expect(cache.write).not.toHaveBeenCalled();
      return { ...REFRESHED, snapshot };
    });

    await sut.refreshNow();

    expect(cache.fence).toHaveBeenCalledTimes(1);
    expect(cache.write).toHaveBeenCalledWith(snapshot);
  });
});
