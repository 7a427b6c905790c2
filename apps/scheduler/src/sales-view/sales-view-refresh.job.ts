import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { SALES_PATTERNS, ScheduledSalesViewRefreshPayload } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { ClaimedTickJob, ClaimedTicks } from '../ticks/claimed-ticks.service';

export const SALES_VIEW_REFRESH_JOB = 'sales-view-refresh';

// Asks core, the only writer of Postgres, to refresh daily_sales_mv on MV_REFRESH_SCHEDULE (UTC). The refresh, its
// lock and its timeout live in core.
@Injectable()
export class SalesViewRefreshJob implements OnApplicationBootstrap {
  private readonly job: ClaimedTickJob<ScheduledSalesViewRefreshPayload>;

  constructor(
    @Inject(SCHEDULER_CONFIG) config: Pick<SchedulerConfig, 'MV_REFRESH_SCHEDULE'>,
    private readonly ticks: ClaimedTicks,
  ) {
    this.job = {
      name: SALES_VIEW_REFRESH_JOB,
      schedule: config.MV_REFRESH_SCHEDULE,
      what: 'sales view refresh',
      pattern: SALES_PATTERNS.scheduledRefresh,
      payload: (tickAt) => ({ tick_at: tickAt.toISOString() }),
    };
  }

  onApplicationBootstrap(): void {
    this.ticks.start(this.job, 'the refresh runs in core');
  }

  tick(now = new Date()): Promise<void> {
    return this.ticks.tick(this.job, now);
  }
}
