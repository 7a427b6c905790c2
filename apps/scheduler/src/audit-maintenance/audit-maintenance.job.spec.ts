import { SchedulerRegistry } from '@nestjs/schedule';
import { PATTERNS } from '@app/contracts';
import { MetricsService } from '@app/common';
import { ClaimedTicks } from '../ticks/claimed-ticks.service';
import { CoreCommandPublisher } from '../ticks/core-command.publisher';
import { TickClaim } from '../ticks/tick-claim.service';
import { AUDIT_MAINTENANCE_JOB, AuditMaintenanceJob } from './audit-maintenance.job';

const DAY_MS = 86_400_000;

describe('AuditMaintenanceJob', () => {
  const publish = jest.fn().mockResolvedValue(undefined);
  const claim = jest.fn();
  const sut = new AuditMaintenanceJob(
    { AUDIT_RETENTION: 365 * DAY_MS, AUDIT_MAINTENANCE_SCHEDULE: '* * * * *' },
    new ClaimedTicks(new SchedulerRegistry(), { claim } as unknown as TickClaim, { publish } as unknown as CoreCommandPublisher, new MetricsService()),
  );
  beforeEach(() => jest.clearAllMocks());

  it('should ask core to purge the audit events older than now minus the retention, when this replica wins the tick', async () => {
    claim.mockResolvedValue('won');

    await sut.tick(new Date('2026-12-06T10:01:00.700Z'));

    expect(claim).toHaveBeenCalledWith(AUDIT_MAINTENANCE_JOB, new Date('2026-12-06T10:01:00.000Z'));
    expect(publish).toHaveBeenCalledWith(
      PATTERNS.admin.auditMaintenance,
      { tick_at: '2026-12-06T10:01:00.000Z', purge_before: '2025-12-06T10:01:00.000Z' },
      expect.objectContaining({ messageId: 'audit-maintenance:2026-12-06T10:01:00.000Z' }),
    );
  });

  it('should publish nothing when another replica won the tick', async () => {
    claim.mockResolvedValue('lost');

    await sut.tick(new Date('2026-12-06T10:01:00.000Z'));

    expect(publish).not.toHaveBeenCalled();
  });

  it('should still publish when Redis cannot say who won (core maintains under its own lock)', async () => {
    claim.mockResolvedValue('unknown');

    await sut.tick(new Date('2026-12-06T10:01:00.000Z'));

    expect(publish).toHaveBeenCalledTimes(1);
  });
});
