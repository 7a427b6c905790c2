import { SchedulerRegistry } from '@nestjs/schedule';
import { PATTERNS } from '@app/contracts';
import { MetricsService } from '@app/common';
import { ClaimedTicks } from '../ticks/claimed-ticks.service';
import { CoreCommandPublisher } from '../ticks/core-command.publisher';
import { TickClaim } from '../ticks/tick-claim.service';
import { USER_ERASURE_JOB, UserErasureJob } from './user-erasure.job';

const DAY_MS = 86_400_000;

describe('UserErasureJob', () => {
  const publish = jest.fn().mockResolvedValue(undefined);
  const claim = jest.fn();
  const sut = new UserErasureJob(
    { USER_ERASURE_GRACE: 30 * DAY_MS, USER_ERASURE_SCHEDULE: '@hourly' },
    new ClaimedTicks(new SchedulerRegistry(), { claim } as unknown as TickClaim, { publish } as unknown as CoreCommandPublisher, new MetricsService()),
  );
  beforeEach(() => jest.clearAllMocks());

  it('should ask core to erase the users deleted before now minus the grace, when this replica wins the tick', async () => {
    claim.mockResolvedValue('won');

    await sut.tick(new Date('2026-12-06T10:00:00.400Z'));

    expect(claim).toHaveBeenCalledWith(USER_ERASURE_JOB, new Date('2026-12-06T10:00:00.000Z'));
    expect(publish).toHaveBeenCalledWith(
      PATTERNS.users.scheduledErasure,
      { tick_at: '2026-12-06T10:00:00.000Z', deleted_before: '2026-11-06T10:00:00.000Z' },
      expect.objectContaining({ messageId: 'user-erasure:2026-12-06T10:00:00.000Z' }),
    );
  });

  it('should publish nothing when another replica won the tick', async () => {
    claim.mockResolvedValue('lost');

    await sut.tick(new Date('2026-12-06T10:00:00.000Z'));

    expect(publish).not.toHaveBeenCalled();
  });

  it('should still publish when Redis cannot say who won (core erases idempotently)', async () => {
    claim.mockResolvedValue('unknown');

    await sut.tick(new Date('2026-12-06T10:00:00.000Z'));

    expect(publish).toHaveBeenCalledTimes(1);
  });
});
