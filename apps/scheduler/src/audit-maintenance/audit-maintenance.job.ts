import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { inRootSpan } from '@app/common';
import { PATTERNS, ScheduledAuditMaintenancePayload } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { CoreCommandPublisher } from '../ticks/core-command.publisher';
import { TickClaim } from '../ticks/tick-claim.service';

export const AUDIT_MAINTENANCE_JOB = 'audit-maintenance';

// Asks core to maintain the audit log on AUDIT_MAINTENANCE_SCHEDULE (UTC): partitions ahead, the retention purge of
// partitions wholly older than AUDIT_RETENTION, and sealing. Like the sales view refresh, the cron method only
// claims the tick and publishes; core does the work under an advisory lock and idempotently.
@Injectable()
export class AuditMaintenanceJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditMaintenanceJob.name);
  private job?: CronJob;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'AUDIT_RETENTION' | 'AUDIT_MAINTENANCE_SCHEDULE'>,
    private readonly registry: SchedulerRegistry,
    private readonly claims: TickClaim,
    private readonly publisher: CoreCommandPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.job = CronJob.from({
      cronTime: this.config.AUDIT_MAINTENANCE_SCHEDULE,
      timeZone: 'UTC',
      onTick: () => inRootSpan('audit-maintenance tick', () => this.tick()),
      waitForCompletion: true,
    });
    this.registry.addCronJob(AUDIT_MAINTENANCE_JOB, this.job);
    this.job.start();
    this.logger.log(`audit maintenance scheduled on "${this.config.AUDIT_MAINTENANCE_SCHEDULE}" (UTC), retention ${this.config.AUDIT_RETENTION} ms`);
  }

  async tick(now = new Date()): Promise<void> {
    const tickAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    try {
      if ((await this.claims.claim(AUDIT_MAINTENANCE_JOB, tickAt)) === 'lost') return;
      const payload: ScheduledAuditMaintenancePayload = {
        tick_at: tickAt.toISOString(),
        purge_before: new Date(tickAt.getTime() - this.config.AUDIT_RETENTION).toISOString(),
      };
      const nextTick = this.job?.nextDate().toMillis() ?? tickAt.getTime() + 60_000;
      await this.publisher.publish(PATTERNS.admin.auditMaintenance, payload, {
        messageId: `${AUDIT_MAINTENANCE_JOB}:${payload.tick_at}`,
        expiresInMs: Math.max(1000, nextTick - Date.now()),
      });
    } catch (error) {
      this.logger.error(`audit maintenance for tick ${tickAt.toISOString()} not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
