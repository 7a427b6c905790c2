import { Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Counter } from 'prom-client';
import { inRootSpan, MetricsService } from '@app/common';
import { CoreCommandPublisher } from './core-command.publisher';
import { TickClaim } from './tick-claim.service';

// One cron job whose work lives in core: each tick is claimed across replicas, then one command is published.
export interface ClaimedTickJob<P extends object> {
  // Names the cron job, the claim, the command's message id and the `job` label of scheduler_ticks_total.
  name: string;
  // Cron expression, read in UTC.
  schedule: string;
  // Says what is asked in log lines ("sales view refresh").
  what: string;
  pattern: string;
  payload(tickAt: Date): P;
}

// The tick loop the sales view refresh, the user erasure and the audit maintenance share. The cron method only
// claims the tick and publishes: core does the work, idempotently, so an 'unknown' claim publishing twice is
// harmless. Every tick is a root trace of its own and is counted by outcome.
@Injectable()
export class ClaimedTicks {
  private readonly logger = new Logger(ClaimedTicks.name);
  private readonly ticks: Counter<'job' | 'outcome'>;

  constructor(
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

  start<P extends object>(job: ClaimedTickJob<P>, detail: string): void {
    const cron = CronJob.from({
      cronTime: job.schedule,
      timeZone: 'UTC',
      onTick: () => inRootSpan(`${job.name} tick`, () => this.tick(job)),
      waitForCompletion: true,
    });
    this.registry.addCronJob(job.name, cron);
    cron.start();
    this.logger.log(`${job.what} scheduled on "${job.schedule}" (UTC), ${detail}, next at ${cron.nextDate().toISO()}`);
  }

  async tick<P extends object>(job: ClaimedTickJob<P>, now = new Date()): Promise<void> {
    // cron fires on the scheduled second, so every replica, whatever its clock offset, names the tick alike.
    const tickAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
    try {
      if ((await this.claims.claim(job.name, tickAt)) === 'lost') {
        this.ticks.inc({ job: job.name, outcome: 'claimed_elsewhere' });
        return;
      }
      // The command expires at the next tick, which would redo it.
      const nextTick = this.registry.doesExist('cron', job.name) ? this.registry.getCronJob(job.name).nextDate().toMillis() : tickAt.getTime() + 60_000;
      await this.publisher.publish(job.pattern, job.payload(tickAt), {
        messageId: `${job.name}:${tickAt.toISOString()}`,
        expiresInMs: nextTick - Date.now(),
      });
      this.ticks.inc({ job: job.name, outcome: 'published' });
      this.logger.log(`${job.what} requested for tick ${tickAt.toISOString()}`);
    } catch (error) {
      this.ticks.inc({ job: job.name, outcome: 'failed' });
      this.logger.error(`${job.what} for tick ${tickAt.toISOString()} not published: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
