import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { MetricsService } from '@app/common';
import { ClaimedTicks } from '../ticks/claimed-ticks.service';
import { CoreCommandPublisher } from '../ticks/core-command.publisher';
import { ClaimResult, TickClaim } from '../ticks/tick-claim.service';
import { SALES_VIEW_REFRESH_JOB, SalesViewRefreshJob } from './sales-view-refresh.job';

// Stands in for Redis SET NX: the first claim of a (job, tick) wins.
class SharedClaims {
  readonly taken = new Set<string>();
  claim = jest.fn(async (job: string, tickAt: Date): Promise<ClaimResult> => {
    const key = `${job}:${tickAt.toISOString()}`;
    if (this.taken.has(key)) return 'lost';
    this.taken.add(key);
    return 'won';
  });
}

describe('SalesViewRefreshJob', () => {
  const registries: SchedulerRegistry[] = [];
  let claims: SharedClaims;

  function replica(schedule: string, publish = jest.fn().mockResolvedValue(undefined)) {
    const registry = new SchedulerRegistry();
    registries.push(registry);
    const metrics = new MetricsService();
    const ticked = new ClaimedTicks(registry, claims as unknown as TickClaim, { publish } as unknown as CoreCommandPublisher, metrics);
    const sut = new SalesViewRefreshJob({ MV_REFRESH_SCHEDULE: schedule }, ticked);
    const ticks = async () => {
      const { values } = await metrics.registry.getSingleMetric('scheduler_ticks_total')!.get();
      return Object.fromEntries(values.map((value) => [value.labels.outcome, value.value]));
    };
    return { sut, publish, ticks };
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-01T09:59:59.000Z') });
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    claims = new SharedClaims();
  });
  afterEach(() => {
    for (const registry of registries.splice(0)) if (registry.doesExist('cron', SALES_VIEW_REFRESH_JOB)) registry.deleteCronJob(SALES_VIEW_REFRESH_JOB);
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('should publish one refresh command per tick of MV_REFRESH_SCHEDULE, named by the scheduled second, expiring at the next tick', async () => {
    const { sut, publish } = replica('@hourly');
    sut.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(999);
    expect(publish).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish).toHaveBeenCalledWith(
      'sales-view.refresh-scheduled',
      { tick_at: '2026-12-01T10:00:00.000Z' },
      { messageId: 'sales-view-refresh:2026-12-01T10:00:00.000Z', expiresInMs: expect.any(Number) },
    );
    const { expiresInMs } = publish.mock.calls[0][2] as { expiresInMs: number };
    expect(expiresInMs).toBeGreaterThan(3_599_000);
    expect(expiresInMs).toBeLessThanOrEqual(3_600_000);

    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(publish).toHaveBeenCalledTimes(2);
    expect(publish.mock.calls[1][1]).toEqual({ tick_at: '2026-12-01T11:00:00.000Z' });
  });

  it('should publish each tick from exactly one of several replicas when they share the claim', async () => {
    const replicas = [replica('*/10 * * * * *'), replica('*/10 * * * * *'), replica('*/10 * * * * *')];
    for (const { sut } of replicas) sut.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(60_000);

    const published = replicas.flatMap(({ publish }) => publish.mock.calls.map((call) => (call[1] as { tick_at: string }).tick_at)).sort();
    expect(published).toEqual(['00', '10', '20', '30', '40', '50'].map((second) => `2026-12-01T10:00:${second}.000Z`));
    const outcomes = await Promise.all(replicas.map(({ ticks }) => ticks()));
    expect(outcomes.reduce((sum, outcome) => sum + (outcome.published ?? 0), 0)).toBe(6);
    expect(outcomes.reduce((sum, outcome) => sum + (outcome.claimed_elsewhere ?? 0), 0)).toBe(12);
  });

  it('should still publish when the claim cannot be decided, leaving core to serve the tick once', async () => {
    claims.claim.mockResolvedValue('unknown');
    const { sut, publish } = replica('@hourly');

    await sut.tick(new Date('2026-12-01T10:00:00.004Z'));

    expect(publish).toHaveBeenCalledWith('sales-view.refresh-scheduled', { tick_at: '2026-12-01T10:00:00.000Z' }, expect.any(Object));
  });

  it('should count the failure and keep ticking when the broker does not confirm the command', async () => {
    const publish = jest.fn().mockRejectedValueOnce(new Error('publish timeout')).mockResolvedValue(undefined);
    const { sut, ticks } = replica('@hourly', publish);
    sut.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(1000 + 3_600_000);

    expect(publish).toHaveBeenCalledTimes(2);
    expect(await ticks()).toEqual({ failed: 1, published: 1 });
  });
});
