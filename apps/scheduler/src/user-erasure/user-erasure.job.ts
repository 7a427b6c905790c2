import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PATTERNS, ScheduledUserErasurePayload } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { ClaimedTickJob, ClaimedTicks } from '../ticks/claimed-ticks.service';

export const USER_ERASURE_JOB = 'user-erasure';

// Asks core, the owner of users, to erase the users soft-deleted longer than USER_ERASURE_GRACE, on
// USER_ERASURE_SCHEDULE (UTC). The sweep lives in core (EraseDueUsersUseCase).
@Injectable()
export class UserErasureJob implements OnApplicationBootstrap {
  private readonly job: ClaimedTickJob<ScheduledUserErasurePayload>;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'USER_ERASURE_GRACE' | 'USER_ERASURE_SCHEDULE'>,
    private readonly ticks: ClaimedTicks,
  ) {
    this.job = {
      name: USER_ERASURE_JOB,
      schedule: config.USER_ERASURE_SCHEDULE,
      what: 'user erasure',
      pattern: PATTERNS.users.scheduledErasure,
      payload: (tickAt) => ({
        tick_at: tickAt.toISOString(),
        deleted_before: new Date(tickAt.getTime() - config.USER_ERASURE_GRACE).toISOString(),
      }),
    };
  }

  onApplicationBootstrap(): void {
    this.ticks.start(this.job, `grace ${this.config.USER_ERASURE_GRACE} ms`);
  }

  tick(now = new Date()): Promise<void> {
    return this.ticks.tick(this.job, now);
  }
}
