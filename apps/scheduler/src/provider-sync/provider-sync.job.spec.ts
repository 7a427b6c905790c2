import { Logger } from '@nestjs/common';
import { SpanStatusCode } from '@opentelemetry/api';
import { SchedulerRegistry } from '@nestjs/schedule';
import { MetricsService } from '@app/common';
import { ProviderSyncStateRepository } from '@app/persistence';
import { ProviderCircuitBreaker } from './circuit/provider-circuit.breaker';
import { ProviderSyncJob, STARTUP_RETRY_MS } from './provider-sync.job';
import { ProviderSyncMetrics } from './provider-sync.metrics';
import { ProviderSyncService, SyncBegin } from './provider-sync.service';
import { recordSpans } from '../../../../test/support/span-recorder';

const INTERVAL = 30_000;

describe('ProviderSyncJob', () => {
  let registry: SchedulerRegistry;
  let metrics: MetricsService;
  let begin: jest.Mock<Promise<SyncBegin>, [string]>;
  let sut: ProviderSyncJob;

  const started = (): Promise<SyncBegin> => Promise.resolve({ outcome: 'started', run: {} as never, done: Promise.resolve({} as never) });
  const ticks = async () => {
    const { values } = await metrics.registry.getSingleMetric('provider_sync_ticks_total')!.get();
    return Object.fromEntries(values.map((value) => [value.labels.outcome, value.value]));
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00.000Z') });
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    registry = new SchedulerRegistry();
    metrics = new MetricsService();
    begin = jest.fn((_trigger: string) => started());
    const syncMetrics = new ProviderSyncMetrics(metrics, {} as ProviderSyncStateRepository, {} as ProviderCircuitBreaker);
    sut = new ProviderSyncJob({ PROVIDER_SYNC_INTERVAL: INTERVAL, PROVIDER_SYNC_JITTER: 0.1 }, registry, { begin } as unknown as ProviderSyncService, syncMetrics);
  });
  afterEach(() => {
    sut.beforeApplicationShutdown();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('should sync once at start-up and then after the interval minus at most the jitter', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0); // the earliest the window allows: 27 s

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(begin.mock.calls).toEqual([['startup']]);

    await jest.advanceTimersByTimeAsync(26_999);
    expect(begin).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(begin.mock.calls).toEqual([['startup'], ['schedule']]);
  });

  it('should wait at most the interval plus the jitter between ticks', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.999999); // the latest: 33 s

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(32_999);
    expect(begin).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(begin).toHaveBeenCalledTimes(2);
  });

  it('should count a tick that finds a sync running as skipped, and keep ticking on its schedule', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    // a sync that outlasts the ticks: the tick does not wait for it
    begin.mockImplementationOnce(() => Promise.resolve({ outcome: 'started', run: {} as never, done: new Promise(() => undefined) }));
    begin.mockResolvedValue({ outcome: 'busy' });

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2 * INTERVAL);

    expect(begin).toHaveBeenCalledTimes(3);
    expect(await ticks()).toEqual({ started: 1, skipped_running: 2 });
  });

  it('should count a scheduled tick that cannot even try as failed, and try again on the next one', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    begin.mockImplementationOnce(started).mockRejectedValueOnce(new Error('database unreachable'));

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2 * INTERVAL);

    expect(begin.mock.calls).toEqual([['startup'], ['schedule'], ['schedule']]);
    expect(await ticks()).toEqual({ failed: 1, started: 2 });
  });

  it('should retry a start-up sync that could not start soon, and keep the first scheduled tick where it was', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    begin.mockRejectedValueOnce(new Error('relation "provider_sync_runs" does not exist')).mockRejectedValueOnce(new Error('still migrating'));

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2 * STARTUP_RETRY_MS);
    expect(begin.mock.calls).toEqual([['startup'], ['startup'], ['startup']]);

    await jest.advanceTimersByTimeAsync(INTERVAL - 2 * STARTUP_RETRY_MS - 1);
    expect(begin).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(1);
    expect(begin.mock.calls[3]).toEqual(['schedule']);
  });

  it('should stop retrying the start-up sync when the first scheduled tick comes', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    begin.mockRejectedValue(new Error('database unreachable'));

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(INTERVAL);

    expect(begin.mock.calls.filter(([trigger]) => trigger === 'startup')).toHaveLength(INTERVAL / STARTUP_RETRY_MS);
    expect(begin.mock.calls.at(-1)).toEqual(['schedule']);
    await jest.advanceTimersByTimeAsync(INTERVAL);
    expect(begin.mock.calls.filter(([trigger]) => trigger === 'startup')).toHaveLength(INTERVAL / STARTUP_RETRY_MS);
  });

  it('should not tick any more once the app shuts down', async () => {
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);

    sut.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(10 * INTERVAL);

    expect(begin).toHaveBeenCalledTimes(1);
    expect(registry.getTimeouts()).toEqual([]);
  });

  describe('tracing', () => {
    let spans: ReturnType<typeof recordSpans>;
    beforeEach(() => {
      spans = recordSpans();
    });
    afterEach(() => spans.stop());

    const runUntilSettled = () => {
      let settle!: { resolve: () => void; reject: (error: Error) => void };
      const done = new Promise<never>((resolve, reject) => (settle = { resolve: () => resolve({} as never), reject }));
      begin.mockImplementationOnce(() => Promise.resolve({ outcome: 'started', run: {} as never, done }));
      return settle;
    };

    it('should end the sync run span when the run it started is over, not when the tick has started it', async () => {
      const run = runUntilSettled();

      sut.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      expect(begin).toHaveBeenCalledTimes(1);
      expect(spans.ended()).toEqual([]); // the sync is still running

      run.resolve();
      await jest.advanceTimersByTimeAsync(0);
      expect(spans.ended().map((span) => ({ name: span.name, parent: span.parentSpanContext, status: span.status.code }))).toEqual([
        { name: 'provider-sync startup', parent: undefined, status: SpanStatusCode.UNSET },
      ]);
    });

    it('should mark the sync run span failed when the run fails', async () => {
      const run = runUntilSettled();

      sut.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      run.reject(new Error('feed unreachable'));
      await jest.advanceTimersByTimeAsync(0);

      expect(spans.ended().map((span) => ({ name: span.name, status: span.status }))).toEqual([
        { name: 'provider-sync startup', status: { code: SpanStatusCode.ERROR, message: 'feed unreachable' } },
      ]);
    });
  });
});
