import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { MetricsService } from '@app/common';

// Index lag: from the moment core committed the change (the event timestamp) to the moment it is indexed.
@Injectable()
export class IndexLagRecorder {
  private readonly lag: Histogram<'event_type'>;

  constructor(metrics: MetricsService) {
    this.lag = new Histogram({
      name: 'index_lag_seconds',
      help: 'Time from the change being committed to it being applied to the search index',
      labelNames: ['event_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
  }

  record(eventType: string, committedAt: string): void {
    this.lag.observe({ event_type: eventType }, Math.max(0, Date.now() - Date.parse(committedAt)) / 1000);
  }
}
