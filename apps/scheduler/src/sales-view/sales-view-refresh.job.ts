import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Counter } from 'prom-client';
import { inRootSpan, MetricsService } from '@app/common';
import { SALES_PATTERNS, ScheduledSalesViewRefreshPayload } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { CoreCommandPublisher } from '../ticks/core-command.publisher';
import { TickClaim } from '../ticks/tick-claim.service';

export const SALES_VIEW_REFRESH_JOB = 'sales-view-refresh';

// Asks core, the only writer of Postgres, to refresh daily_sales_mv on MV_REFRESH_SCHEDULE (UTC). The cron
// method only claims the tick and publishes; the refresh, its lock and its timeout live in core.
@Injectable()
export class SalesViewRefreshJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(SalesViewRefreshJob.name);
  private readonly ticks: Counter<'job' | 'outcome'>;
  private job?: CronJob;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'MV_REFRESH_SCHEDULE'>,
    private readonly registry: SchedulerRegistry,
    private readonly claims: TickClaim,
    private readonly publisher: CoreCommandPublisher,
    metrics: MetricsService,
  ) {
    this.ticks = new Counter({
      name: 'scheduler_ticks_total',
      help: 'Cron ticks by job and outcome (published, claimed_elsewhere, failed)',
      labelNames: ['job', 'outcome'],
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.job = CronJob.from({
      cronTime: this.config.MV_REFRESH_SCHEDULE,
      timeZone: 'UTC',
      onTick: () => inRootSpan('sales-view refresh tick', () => this.tick()),
      waitForCompletion: true,
    });
    this.registry.addCronJob(SALES_VIEW_REFRESH_JOB, this.job);
    this.job.start();
    this.logger.log(`sales view refresh scheduled on "${this.config.MV_REFRESH_SCHEDULE}" (UTC), next at ${this.job.nextDate().toISO()}`);
  }

  async tick(now = new Date()): Promise<void> {
    // cron fires on the scheduled second, so every replica, whatever its clock offset, names the tick alike.
    const tickAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    try {
      if ((await this.claims.claim(SALES_VIEW_REFRESH_JOB, tickAt)) === 'lost') {
        this.ticks.inc({ job: SALES_VIEW_REFRESH_JOB, outcome: 'claimed_elsewhere' });
        return;
      }
      const payload: ScheduledSalesViewRefreshPayload = { tick_at: tickAt.toISOString() };
      const nextTick = this.job?.nextDate().toMillis() ?? tickAt.getTime() + 3_600_000;
      await this.publisher.publish(SALES_PATTERNS.scheduledRefresh, payload, {
        messageId: `${SALES_VIEW_REFRESH_JOB}:${payload.tick_at}`,
        expiresInMs: nextTick - Date.now(),
      });
      this.ticks.inc({ job: SALES_VIEW_REFRESH_JOB, outcome: 'published' });
      this.logger.log(`sales view refresh requested for tick ${payload.tick_at}`);
    } catch (error) {
      this.ticks.inc({ job: SALES_VIEW_REFRESH_JOB, outcome: 'failed' });
      this.logger.error(`sales view refresh for tick ${tickAt.toISOString()} not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
