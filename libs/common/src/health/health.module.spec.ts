import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DomainError } from '../errors/domain.error';
import { closeOnSignals } from '../lifecycle/startup';
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

  it('should answer ready 503 at once when SIGTERM arrives, before the app has closed', async () => {
    jest.useFakeTimers();
    jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const check = jest.fn(() => Promise.resolve());
    const checks: ReadinessCheck[] = [{ name: 'database', check }];
    const health = { check: jest.fn((indicators: Array<() => Promise<unknown>>) => Promise.all(indicators.map((run) => run()))) };
    const indicator = { check: () => ({ up: () => ({}), down: () => ({}) }) };
    const sut = new HealthController(health as unknown as HealthCheckService, indicator as unknown as HealthIndicatorService, checks);
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
