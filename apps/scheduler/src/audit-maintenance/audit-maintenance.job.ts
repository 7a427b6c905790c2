import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PATTERNS, ScheduledAuditMaintenancePayload } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { ClaimedTickJob, ClaimedTicks } from '../ticks/claimed-ticks.service';

export const AUDIT_MAINTENANCE_JOB = 'audit-maintenance';

// Asks core to maintain the audit log on AUDIT_MAINTENANCE_SCHEDULE (UTC): partitions ahead, the retention purge of
// partitions wholly older than AUDIT_RETENTION, and sealing. Core does the work under an advisory lock.
@Injectable()
export class AuditMaintenanceJob implements OnApplicationBootstrap {
  private readonly job: ClaimedTickJob<ScheduledAuditMaintenancePayload>;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'AUDIT_RETENTION' | 'AUDIT_MAINTENANCE_SCHEDULE'>,
    private readonly ticks: ClaimedTicks,
  ) {
    this.job = {
      name: AUDIT_MAINTENANCE_JOB,
      schedule: config.AUDIT_MAINTENANCE_SCHEDULE,
      what: 'audit maintenance',
      pattern: PATTERNS.admin.auditMaintenance,
      payload: (tickAt) => ({
        tick_at: tickAt.toISOString(),
        purge_before: new Date(tickAt.getTime() - config.AUDIT_RETENTION).toISOString(),
      }),
    };
  }

  onApplicationBootstrap(): void {
    this.ticks.start(this.job, `retention ${this.config.AUDIT_RETENTION} ms`);
  }

  tick(now = new Date()): Promise<void> {
    return this.ticks.tick(this.job, now);
  }
}
