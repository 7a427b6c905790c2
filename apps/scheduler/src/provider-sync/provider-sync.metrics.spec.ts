import { MetricsService } from '@app/common';
import { ProviderSyncStateRecord, ProviderSyncStateRepository } from '@app/persistence';
import { ProviderCircuitBreaker } from './circuit/provider-circuit.breaker';
import { ProviderSyncMetrics } from './provider-sync.metrics';

describe('ProviderSyncMetrics', () => {
  function setup(read: () => Promise<Partial<ProviderSyncStateRecord>>) {
    const metrics = new MetricsService();
    const states = { read, loadBreaker: () => Promise.resolve(null) } as unknown as ProviderSyncStateRepository;
    const sut = new ProviderSyncMetrics(metrics, states, { view: () => ({ state: 'closed' }) } as unknown as ProviderCircuitBreaker);
    return { sut, metrics };
  }

  it('should export the last successful sync as unix seconds when Postgres has one', async () => {
    const { metrics } = setup(() => Promise.resolve({ lastSyncedAt: new Date('2026-12-06T18:00:00.000Z') }));

    expect(await metrics.registry.metrics()).toMatch(/^provider_sync_last_success_timestamp_seconds 1796580000$/m);
  });

  it('should keep the last value read when a later read fails', async () => {
    let read = () => Promise.resolve<Partial<ProviderSyncStateRecord>>({ lastSyncedAt: new Date('2026-12-06T18:00:00.000Z') });
    const { metrics } = setup(() => read());
    await metrics.registry.metrics();
    read = () => Promise.reject(new Error('connection refused'));

    expect(await metrics.registry.metrics()).toMatch(/^provider_sync_last_success_timestamp_seconds 1796580000$/m);
  });

  it('should export NaN before any successful sync is known', async () => {
    const { metrics } = setup(() => Promise.resolve({ lastSyncedAt: null }));

    expect(await metrics.registry.metrics()).toMatch(/^provider_sync_last_success_timestamp_seconds Nan$/m);
  });
});
