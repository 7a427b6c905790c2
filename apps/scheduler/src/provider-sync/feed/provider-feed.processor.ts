import { Inject, Injectable } from '@nestjs/common';
import { ProviderPlansRepository, ProviderPlanUpsert } from '@app/persistence';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../../config/scheduler.config';
import { FeedProcessor, FeedSnapshot, ProcessOutcome, SuspiciousSnapshotError } from '../feed-processor.port';
import { PlanValidator } from './plan.validator';
import { parseProviderFeed } from './provider-feed.parser';

type ProcessorConfig = Pick<SchedulerConfig, 'PROVIDER_TIMEZONE' | 'PROVIDER_SHRINK_LIMIT' | 'PROVIDER_BATCH_SIZE'>;

export const DUPLICATE_PLAN_REASON = 'base_plan_id, plan_id: repeated in the feed, a later occurrence wins';

// Parses the feed as it streams in, validates each plan on its own and upserts the valid ones in batches of
// PROVIDER_BATCH_SIZE, one statement each, inside the caller's transaction. The next batch is parsed only once
// the previous one is written, so memory holds one batch. The snapshot is judged at the end: no valid plan,
// or fewer than previousPlanCount * (1 - PROVIDER_SHRINK_LIMIT), throws SuspiciousSnapshotError and the
// caller's rollback undoes every batch.
@Injectable()
export class ProviderFeedProcessor extends FeedProcessor {
  private readonly validator: PlanValidator;

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: ProcessorConfig,
    private readonly plans: ProviderPlansRepository,
  ) {
    super();
    this.validator = new PlanValidator(config.PROVIDER_TIMEZONE);
  }

  async process({ body, snapshotAt, previousPlanCount, manager }: FeedSnapshot): Promise<ProcessOutcome> {
    const outcome: ProcessOutcome = { plans: 0, new: 0, changed: 0, unchanged: 0, invalid: 0, invalidReasons: {} };
    const skip = (reason: string, count = 1) => {
      outcome.invalid += count;
      outcome.invalidReasons[reason] = (outcome.invalidReasons[reason] ?? 0) + count;
    };
    let batch: ProviderPlanUpsert[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const counts = await this.plans.upsertBatch(manager, batch, snapshotAt);
      const applied = counts.new + counts.changed + counts.unchanged;
      // A key repeated within one batch is written once (its last occurrence); the earlier ones are skipped.
      if (applied < batch.length) skip(DUPLICATE_PLAN_REASON, batch.length - applied);
      outcome.plans += applied;
      outcome.new += counts.new;
      outcome.changed += counts.changed;
      outcome.unchanged += counts.unchanged;
      batch = [];
    };

    for await (const raw of parseProviderFeed(body)) {
      const result = this.validator.validate(raw);
      if (!result.ok) {
        skip(result.reason);
        continue;
      }
      batch.push(result.plan);
      if (batch.length >= this.config.PROVIDER_BATCH_SIZE) await flush();
    }
    await flush();

    const floor = previousPlanCount * (1 - this.config.PROVIDER_SHRINK_LIMIT);
    if (outcome.plans === 0) throw new SuspiciousSnapshotError(`the snapshot holds no valid plan (${outcome.invalid} invalid)`, 0, previousPlanCount);
    if (previousPlanCount > 0 && outcome.plans < floor) {
      throw new SuspiciousSnapshotError(
        `the snapshot shrank from ${previousPlanCount} to ${outcome.plans} valid plans, more than PROVIDER_SHRINK_LIMIT ${this.config.PROVIDER_SHRINK_LIMIT} allows`,
        outcome.plans,
        previousPlanCount,
      );
    }
    return outcome;
  }
}
