import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DomainError } from '../errors/domain.error';
import { closeOnSignals } from '../lifecycle/startup';
import { MetricsService } from '../metrics/metrics.service';
import { HealthController, ReadinessCheck } from './health.module';

describe('HealthController', () => {
  const listeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(signal)) if (!listeners[signal].includes(listener)) process.removeListener(signal, listener);
    }
  });

  // Before the SIGTERM test: the shutdown flag is process-wide and stays set.
  it('should export app_ready 0 and the failing check as 0 when a dependency is down at scrape time', async () => {
    const metrics = new MetricsService();
    const checks: ReadinessCheck[] = [
      { name: 'database', check: () => Promise.resolve() },
      { name: 'rabbitmq', check: () => Promise.reject(new Error('connection refused')) },
    ];
    new HealthController({} as HealthCheckService, {} as HealthIndicatorService, checks, metrics);

    const text = await metrics.registry.metrics();

    expect(text).toMatch(/^app_ready 0$/m);
    expect(text).toMatch(/^readiness_check_up\{check="database"\} 1$/m);
    expect(text).toMatch(/^readiness_check_up\{check="rabbitmq"\} 0$/m);
  });

  it('should export app_ready 1 when every check passes', async () => {
    const metrics = new MetricsService();
    new HealthController({} as HealthCheckService, {} as HealthIndicatorService, [{ name: 'database', check: () => Promise.resolve() }], metrics);

    expect(await metrics.registry.metrics()).toMatch(/^app_ready 1$/m);
  });

  it('should answer ready 503 at once when SIGTERM arrives, before the app has closed', async () => {
    jest.useFakeTimers();
    jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const check = jest.fn(() => Promise.resolve());
    const checks: ReadinessCheck[] = [{ name: 'database', check }];
    const health = { check: jest.fn((indicators: Array<() => Promise<unknown>>) => Promise.all(indicators.map((run) => run()))) };
    const indicator = { check: () => ({ up: () => ({}), down: () => ({}) }) };
    const sut = new HealthController(health as unknown as HealthCheckService, indicator as unknown as HealthIndicatorService, checks, new MetricsService());
    // The drain is still running: close() has not resolved.
    closeOnSignals({ close: () => new Promise<void>(() => undefined) }, 15_000);
    await expect(sut.ready()).resolves.toBeDefined();

    process.emit('SIGTERM', 'SIGTERM');

    const answer = sut.ready();
    await expect(answer).rejects.toBeInstanceOf(DomainError);
    await expect(answer).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { checks: { shutdown: 'down' } } });
    expect(check).toHaveBeenCalledTimes(1);
  });
});
