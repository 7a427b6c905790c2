import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CatalogFreshness,
  ProviderSyncLease,
  ProviderSyncRunRecord,
  ProviderSyncRunsRepository,
  ProviderSyncStateRecord,
  ProviderSyncStateRepository,
} from '@app/persistence';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { CatalogStatePublisher } from './catalog-state.publisher';
import { FeedProcessor } from './feed-processor.port';
import { SpooledFeed } from './fetch/feed-download.util';
import { FeedFetchError } from './fetch/feed-fetch.errors';
import { ProviderFeedClient, UnchangedFeed } from './fetch/provider-feed.client';
import { describeSyncError } from './sync-error.util';
import { fetchBudgetMs } from './sync-schedule.util';

export type SyncConfig = Pick<SchedulerConfig, 'PROVIDER_SYNC_INTERVAL' | 'PROVIDER_SYNC_JITTER'>;

// A run that failed, already recorded as such; thrown so that the circuit breaker counts it.
export class SyncRunFailedError extends Error {
  override readonly name = 'SyncRunFailedError';

  constructor(
    readonly run: ProviderSyncRunRecord,
    readonly interrupted: boolean,
  ) {
    super(run.error ?? 'sync failed');
  }
}

// One sync, for the holder of the sync lock whose 'running' row exists: a conditional fetch, then either
// "unchanged" (no catalog write at all) or the feed applied by the FeedProcessor in one transaction with the
// new state and the finished run; after the commit, the catalog's freshness goes to Redis.
@Injectable()
export class SyncProviderFeedUseCase {
  private readonly logger = new Logger(SyncProviderFeedUseCase.name);

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: SyncConfig,
    private readonly client: ProviderFeedClient,
    private readonly processor: FeedProcessor,
    private readonly runs: ProviderSyncRunsRepository,
    private readonly states: ProviderSyncStateRepository,
    private readonly catalogState: CatalogStatePublisher,
  ) {}

  async execute(run: ProviderSyncRunRecord, lease: ProviderSyncLease, signal?: AbortSignal): Promise<ProviderSyncRunRecord> {
    const fetchStartedAt = new Date();
    let feed: SpooledFeed | undefined;
    try {
      const state = await this.states.read(lease.manager);
      const fetched = await this.client.fetch({
        validators: { etag: state.etag, lastModified: state.lastModified },
        lastContentHash: state.contentHash,
        deadline: fetchStartedAt.getTime() + fetchBudgetMs(this.config.PROVIDER_SYNC_INTERVAL, this.config.PROVIDER_SYNC_JITTER),
        signal,
      });
      if (fetched.kind === 'unchanged') return await this.recordUnchanged(run, lease, state, fetched);
      feed = fetched;
      return await this.apply(run, lease, state, feed, fetchStartedAt);
    } catch (error) {
      throw await this.recordFailure(run, lease, error);
    } finally {
      await feed?.dispose();
    }
  }

  private async recordUnchanged(
    run: ProviderSyncRunRecord,
    lease: ProviderSyncLease,
    state: ProviderSyncStateRecord,
    fetched: UnchangedFeed & { attempts: number },
  ): Promise<ProviderSyncRunRecord> {
    const syncedAt = new Date();
    const { finished, freshness } = await lease.transaction(async (manager) => {
      const freshness = await this.states.recordUnchanged(manager, { syncedAt, ...fetched.validators });
      const finished = await this.runs.finish(manager, run.id, {
        status: 'succeeded',
        finishedAt: syncedAt,
        unchanged: state.planCount,
        details: { feed: fetched.how, attempts: fetched.attempts },
      });
      return { finished, freshness };
    });
    await this.catalogState.publish(freshness);
    this.logger.log({ provider_sync: { run: run.id, feed: fetched.how, attempts: fetched.attempts } }, 'provider feed unchanged');
    return finished ?? run;
  }

  private async apply(
    run: ProviderSyncRunRecord,
    lease: ProviderSyncLease,
    state: ProviderSyncStateRecord,
    feed: SpooledFeed & { attempts?: number },
    fetchStartedAt: Date,
  ): Promise<ProviderSyncRunRecord> {
    const snapshotAt = feed.lastModifiedAt ?? fetchStartedAt;
    const body = feed.open();
    let freshness: CatalogFreshness;
    let finished: ProviderSyncRunRecord | null;
    try {
      ({ finished, freshness } = await lease.transaction(async (manager) => {
        const outcome = await this.processor.process({ body, snapshotAt, previousPlanCount: state.planCount, manager });
        const syncedAt = new Date();
        const freshness = await this.states.recordApplied(manager, {
          ...feed.validators,
          contentHash: feed.contentHash,
          planCount: outcome.plans,
          snapshotAt,
          syncedAt,
          catalogChanged: outcome.new + outcome.changed > 0,
        });
        const finished = await this.runs.finish(manager, run.id, {
          status: 'succeeded',
          finishedAt: syncedAt,
          new: outcome.new,
          changed: outcome.changed,
          unchanged: outcome.unchanged,
          invalid: outcome.invalid,
          details: { feed: 'applied', plans: outcome.plans, bytes: feed.bytes, attempts: feed.attempts, invalid_reasons: outcome.invalidReasons },
        });
        return { finished, freshness };
      }));
    } finally {
      body.destroy();
    }
    await this.catalogState.publish(freshness);
    this.logger.log({ provider_sync: { run: run.id, catalog_version: freshness.catalogVersion, ...finished } }, 'provider feed applied');
    return finished ?? run;
  }

  private async recordFailure(run: ProviderSyncRunRecord, lease: ProviderSyncLease, error: unknown): Promise<SyncRunFailedError> {
    const report = describeSyncError(error);
    const interrupted = error instanceof FeedFetchError && error.failure === 'interrupted';
    this.logger.error({ err: error, provider_sync: { run: run.id, error: report.message } }, 'provider sync failed');
    const finishedAt = new Date();
    const failed = await this.runs
      .finish(lease.manager, run.id, { status: 'failed', finishedAt, error: report.message, details: report.details })
      .catch((storeError: unknown) => {
        this.logger.error({ err: storeError, provider_sync: { run: run.id } }, 'failed provider sync not recorded');
        return null;
      });
    return new SyncRunFailedError(failed ?? { ...run, status: 'failed', finishedAt, error: report.message, details: report.details }, interrupted);
  }
}
