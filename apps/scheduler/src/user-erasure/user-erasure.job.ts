import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { inRootSpan } from '@app/common';
import { PATTERNS, ScheduledUserErasurePayload } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { CoreCommandPublisher } from '../ticks/core-command.publisher';
import { TickClaim } from '../ticks/tick-claim.service';

export const USER_ERASURE_JOB = 'user-erasure';

// Asks core, the owner of users, to erase the users soft-deleted longer than USER_ERASURE_GRACE, on
// USER_ERASURE_SCHEDULE (UTC). Like the sales view refresh: the cron method only claims the tick and publishes;
// the sweep lives in core (EraseDueUsersUseCase), and is idempotent, so an 'unknown' claim publishing twice is harmless.
@Injectable()
export class UserErasureJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(UserErasureJob.name);
  private job?: CronJob;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'USER_ERASURE_GRACE' | 'USER_ERASURE_SCHEDULE'>,
    private readonly registry: SchedulerRegistry,
    private readonly claims: TickClaim,
    private readonly publisher: CoreCommandPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.job = CronJob.from({
      cronTime: this.config.USER_ERASURE_SCHEDULE,
      timeZone: 'UTC',
      onTick: () => inRootSpan('user-erasure tick', () => this.tick()),
      waitForCompletion: true,
    });
    this.registry.addCronJob(USER_ERASURE_JOB, this.job);
    this.job.start();
    this.logger.log(`user erasure scheduled on "${this.config.USER_ERASURE_SCHEDULE}" (UTC), grace ${this.config.USER_ERASURE_GRACE} ms`);
  }

  async tick(now = new Date()): Promise<void> {
    const tickAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    try {
      if ((await this.claims.claim(USER_ERASURE_JOB, tickAt)) === 'lost') return;
      const payload: ScheduledUserErasurePayload = {
        tick_at: tickAt.toISOString(),
        deleted_before: new Date(tickAt.getTime() - this.config.USER_ERASURE_GRACE).toISOString(),
      };
      const nextTick = this.job?.nextDate().toMillis() ?? tickAt.getTime() + 3_600_000;
      await this.publisher.publish(PATTERNS.users.scheduledErasure, payload, {
        messageId: `${USER_ERASURE_JOB}:${payload.tick_at}`,
        expiresInMs: nextTick - Date.now(),
      });
      this.logger.log(`user erasure requested for users deleted before ${payload.deleted_before}`);
    } catch (error) {
      this.logger.error(`user erasure for tick ${tickAt.toISOString()} not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
