import { Inject, Injectable, Logger } from '@nestjs/common';
import { SalesViewRefreshed } from '@app/contracts';
import { SalesViewRefreshOutcome, SalesViewRefreshRequest, SalesViewRepository } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { RunCoalescer } from './run-coalescer.util';
import { SalesCacheWriter } from './sales-cache.writer';
import { RefreshTrigger, SalesViewMetrics } from './sales-view.metrics';

// Refreshes daily_sales_mv. Across replicas the repository's advisory lock lets one refresh run at a time; in
// this process the coalescer keeps it to one connection, however many admins ask at once.
@Injectable()
export class SalesViewRefresher {
  private readonly logger = new Logger(SalesViewRefresher.name);
  private readonly coalescer = new RunCoalescer<SalesViewRefreshOutcome>();

  constructor(
    @Inject(CORE_CONFIG) private readonly config: Pick<CoreConfig, 'MV_REFRESH_TIMEOUT_MS'>,
    private readonly repository: SalesViewRepository,
    private readonly metrics: SalesViewMetrics,
    private readonly cache: SalesCacheWriter,
  ) {}

  // An admin's refresh: one that starts after the call (waiting out a running one), within MV_REFRESH_TIMEOUT_MS.
  async refreshNow(): Promise<SalesViewRefreshed> {
    const outcome = await this.coalescer.run(() => this.refresh('admin', { wait: true, timeoutMs: this.config.MV_REFRESH_TIMEOUT_MS }));
    if (outcome.status !== 'refreshed') throw new Error(`a waiting refresh was skipped (${outcome.reason})`);
    return { refreshed_at: outcome.refreshedAt.toISOString(), duration_ms: outcome.durationMs };
  }

  // A scheduler tick: skipped when a refresh runs (here or on any replica) or another replica's copy of this
  // tick was served. A failure is logged and counted, never thrown: the next tick is the retry.
  async refreshForTick(tickAt: Date): Promise<SalesViewRefreshOutcome | undefined> {
    const run = this.coalescer.runIfIdle(() => this.refresh('schedule', { wait: false, timeoutMs: this.config.MV_REFRESH_TIMEOUT_MS, tickAt }));
    if (!run) {
      this.metrics.recordOutcome('schedule', 'skipped_running');
      this.logger.log(`sales view refresh for tick ${tickAt.toISOString()} skipped: a refresh is running in this process`);
      return { status: 'skipped', reason: 'running' };
    }
    return run.catch(() => undefined);
  }

  private async refresh(trigger: RefreshTrigger, request: SalesViewRefreshRequest): Promise<SalesViewRefreshOutcome> {
    const tick = request.tickAt?.toISOString() ?? null;
    let outcome: SalesViewRefreshOutcome;
    try {
      // The dashboard cache is fenced before the commit and gets the new rows after it (see SalesViewRepository).
      outcome = await this.repository.refresh({ ...request, beforeCommit: () => this.cache.fence() });
    } catch (error) {
      this.metrics.recordOutcome(trigger, 'failed');
      this.logger.error({ err: error, sales_view_refresh: { trigger, tick_at: tick } }, 'daily_sales_mv refresh failed');
      throw error;
    }
    if (outcome.status === 'skipped') {
      this.metrics.recordOutcome(trigger, outcome.reason === 'running' ? 'skipped_running' : 'skipped_tick_served');
      this.logger.log({ sales_view_refresh: { trigger, tick_at: tick, skipped: outcome.reason } }, 'daily_sales_mv refresh skipped');
      return outcome;
    }
    if (outcome.snapshot) await this.cache.write(outcome.snapshot);
    this.metrics.recordRefresh(trigger, outcome.durationMs, outcome.refreshedAt);
    this.logger.log(
      {
        sales_view_refresh: {
          trigger,
          tick_at: tick,
          started_at: outcome.startedAt.toISOString(),
          refreshed_at: outcome.refreshedAt.toISOString(),
          duration_ms: outcome.durationMs,
        },
      },
      'daily_sales_mv refreshed',
    );
    return outcome;
  }
}
