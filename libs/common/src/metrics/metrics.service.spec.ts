import { getHeapStatistics } from 'node:v8';
import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('should export the V8 heap limit when /metrics is scraped', async () => {
    const sut = new MetricsService();

    const metric = await sut.registry.getSingleMetric('nodejs_heap_size_limit_bytes')?.get();

    expect(metric?.values[0]?.value).toBe(getHeapStatistics().heap_size_limit);
    expect(await sut.registry.metrics()).toMatch(/^nodejs_heap_size_limit_bytes \d+$/m);
  });
});
