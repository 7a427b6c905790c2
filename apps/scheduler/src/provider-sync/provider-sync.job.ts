import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { inRootSpan } from '@app/common';
import { SyncTrigger } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { ProviderSyncMetrics } from './provider-sync.metrics';
import { ProviderSyncService } from './provider-sync.service';
import { nextSyncDelayMs } from './sync-schedule.util';

export const PROVIDER_SYNC_TIMEOUT = 'provider-sync';
export const PROVIDER_SYNC_STARTUP_RETRY = 'provider-sync-startup-retry';
// A start-up sync that could not even start (core still migrating a fresh database, say) is tried again this
// soon, until the first scheduled tick comes.
export const STARTUP_RETRY_MS = 2000;

// Once at start-up, then every PROVIDER_SYNC_INTERVAL * (1 ± PROVIDER_SYNC_JITTER), counted from the tick
// before. A tick only tries the lock and starts the sync (which carries on by itself); a tick that finds a
// sync running, here or on any replica, skips and counts it.
@Injectable()
export class ProviderSyncJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProviderSyncJob.name);
  private stopped = false;
  private nextTickAt = 0;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'PROVIDER_SYNC_INTERVAL' | 'PROVIDER_SYNC_JITTER'>,
    private readonly registry: SchedulerRegistry,
    private readonly service: ProviderSyncService,
    private readonly metrics: ProviderSyncMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduleTick();
    void this.tracedTick('startup');
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    this.clear(PROVIDER_SYNC_TIMEOUT);
    this.clear(PROVIDER_SYNC_STARTUP_RETRY);
  }

  // Each sync run is a trace of its own; the sync's fetches, queries and published events are in it. The span
  // lasts until the run it started is over (a failed run marks it failed), not only while the tick starts it.
  private tracedTick(trigger: SyncTrigger): Promise<void> {
    return inRootSpan(`provider-sync ${trigger}`, async () => {
      const started = await this.startSync(trigger);
      await started?.done;
    }).catch(() => undefined); // the service records and logs the outcome
  }

  // Tries the lock and starts the sync, which carries on by itself: the next tick is not held back by it.
  private async startSync(trigger: SyncTrigger): Promise<{ done: Promise<unknown> } | undefined> {
    if (this.stopped) return undefined;
    try {
      const begun = await this.service.begin(trigger);
      if (begun.outcome === 'busy') {
        this.metrics.recordTick('skipped_running');
        this.logger.log(`provider sync tick (${trigger}) skipped: a sync is running`);
        return undefined;
      }
      this.metrics.recordTick('started');
      return { done: begun.done };
    } catch (error) {
      this.metrics.recordTick('failed');
      this.logger.error(`provider sync tick (${trigger}) could not start a sync: ${error instanceof Error ? error.message : String(error)}`);
      if (trigger === 'startup') this.retryStartup();
      return undefined;
    }
  }

  private scheduleTick(): void {
    const delayMs = nextSyncDelayMs(this.config.PROVIDER_SYNC_INTERVAL, this.config.PROVIDER_SYNC_JITTER);
    this.nextTickAt = Date.now() + delayMs;
    this.replace(
      PROVIDER_SYNC_TIMEOUT,
      setTimeout(() => {
        this.clear(PROVIDER_SYNC_STARTUP_RETRY);
        this.scheduleTick();
        void this.tracedTick('schedule');
      }, delayMs),
    );
  }

  private retryStartup(): void {
    if (this.stopped || Date.now() + STARTUP_RETRY_MS >= this.nextTickAt) return;
    this.replace(
      PROVIDER_SYNC_STARTUP_RETRY,
      setTimeout(() => void this.tracedTick('startup'), STARTUP_RETRY_MS),
    );
  }

  private replace(name: string, timer: NodeJS.Timeout): void {
    this.clear(name);
    this.registry.addTimeout(name, timer);
  }

  private clear(name: string): void {
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
  }
}
