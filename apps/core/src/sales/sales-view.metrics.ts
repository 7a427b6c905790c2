import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '@app/common';
import { SalesViewRepository } from '@app/persistence';

export type RefreshTrigger = 'admin' | 'schedule';
export type RefreshOutcomeLabel = 'refreshed' | 'skipped_running' | 'skipped_tick_served' | 'failed';

const AGE_QUERY_TIMEOUT_MS = 1000;

// The sales view's metrics on core's /metrics: its age, how long refreshes take, and what each request became.
@Injectable()
export class SalesViewMetrics {
  readonly refreshes: Counter<'trigger' | 'outcome'>;
  readonly refreshDuration: Histogram<'trigger'>;
  readonly age: Gauge;
  private lastKnownRefresh: Date | null = null;

  constructor(metrics: MetricsService, repository: SalesViewRepository) {
    this.refreshes = new Counter({
      name: 'daily_sales_mv_refreshes_total',
      help: 'Refresh requests of daily_sales_mv by trigger and outcome (refreshed, skipped_running, skipped_tick_served, failed)',
      labelNames: ['trigger', 'outcome'],
      registers: [metrics.registry],
    });
    this.refreshDuration = new Histogram({
      name: 'daily_sales_mv_refresh_duration_seconds',
      help: 'Duration of REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales_mv',
      labelNames: ['trigger'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [metrics.registry],
    });
    // Read from Postgres, so every replica reports the same age whoever refreshed; when the read fails the
    // last value read keeps ageing, and before any read the gauge is NaN (unknown), never a scrape error.
    this.age = metrics.gauge('daily_sales_mv_age_seconds', 'Seconds since daily_sales_mv last finished a refresh', async () => {
      try {
        this.lastKnownRefresh = (await repository.lastRefreshedAt(AGE_QUERY_TIMEOUT_MS)) ?? this.lastKnownRefresh;
      } catch {
        // keep the last known value
      }
      return this.lastKnownRefresh ? Math.max(0, (Date.now() - this.lastKnownRefresh.getTime()) / 1000) : Number.NaN;
    });
  }

  recordRefresh(trigger: RefreshTrigger, durationMs: number, refreshedAt: Date): void {
    this.refreshes.inc({ trigger, outcome: 'refreshed' });
    this.refreshDuration.observe({ trigger }, durationMs / 1000);
    this.lastKnownRefresh = refreshedAt;
  }

  recordOutcome(trigger: RefreshTrigger, outcome: Exclude<RefreshOutcomeLabel, 'refreshed'>): void {
    this.refreshes.inc({ trigger, outcome });
  }
}
