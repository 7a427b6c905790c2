import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SyncTrigger } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { ProviderSyncMetrics } from './provider-sync.metrics';
import { ProviderSyncService } from './provider-sync.service';
import { nextSyncDelayMs } from './sync-schedule.util';

export const PROVIDER_SYNC_TIMEOUT = 'provider-sync';

// Once at start-up, then every PROVIDER_SYNC_INTERVAL * (1 ± PROVIDER_SYNC_JITTER), counted from the tick
// before. A tick only tries the lock and starts the sync (which carries on by itself); a tick that finds a
// sync running, here or on any replica, skips and counts it.
@Injectable()
export class ProviderSyncJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProviderSyncJob.name);
  private stopped = false;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'PROVIDER_SYNC_INTERVAL' | 'PROVIDER_SYNC_JITTER'>,
    private readonly registry: SchedulerRegistry,
    private readonly service: ProviderSyncService,
    private readonly metrics: ProviderSyncMetrics,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick('startup');
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    if (this.registry.doesExist('timeout', PROVIDER_SYNC_TIMEOUT)) this.registry.deleteTimeout(PROVIDER_SYNC_TIMEOUT);
  }

  async tick(trigger: SyncTrigger): Promise<void> {
    if (this.stopped) return;
    this.scheduleNext();
    try {
      const begun = await this.service.begin(trigger);
      if (begun.outcome === 'busy') {
        this.metrics.recordTick('skipped_running');
        this.logger.log(`provider sync tick (${trigger}) skipped: a sync is running`);
        return;
      }
      this.metrics.recordTick('started');
      void begun.done.catch(() => undefined); // the service records and logs the outcome
    } catch (error) {
      this.metrics.recordTick('failed');
      this.logger.error(`provider sync tick (${trigger}) could not start a sync: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private scheduleNext(): void {
    const delayMs = nextSyncDelayMs(this.config.PROVIDER_SYNC_INTERVAL, this.config.PROVIDER_SYNC_JITTER);
    if (this.registry.doesExist('timeout', PROVIDER_SYNC_TIMEOUT)) this.registry.deleteTimeout(PROVIDER_SYNC_TIMEOUT);
    this.registry.addTimeout(
      PROVIDER_SYNC_TIMEOUT,
      setTimeout(() => void this.tick('schedule'), delayMs),
    );
  }
}
