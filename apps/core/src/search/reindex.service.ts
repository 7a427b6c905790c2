import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OrderDocument } from '@app/contracts';
import {
  CONTENT_INDEX_WRITER,
  ContentIndexSource,
  ContentIndexWriter,
  IndexableContent,
  IndexablePlan,
  ORDER_INDEX_WRITER,
  OrderIndexWriter,
  PLAN_INDEX_WRITER,
  PlanIndexWriter,
} from '@app/search';
import { ContentSearchRepository, OrdersRepository, PlansRepository } from '@app/persistence';
import { toChangedEvent } from '../content/content.mapper';
import { entityDocument } from '../orders/order.mapper';
import { toPlanRecord } from '../plans/plan.mapper';

export type ReindexTarget = 'plans' | 'orders' | 'content' | 'all';

export interface ReindexRun {
  id: string;
  target: ReindexTarget;
  status: 'accepted';
  started_at: string;
}

// Rebuilds the search index from Postgres, the source of truth. Writes carry each plan's version, so a
// rebuild racing live plan events cannot put an older state over a newer one; an order's document id is its
// id and orders never change, so a rebuild racing order.stored events writes the same documents; content carries
// its updated_at as the version, and ids Postgres no longer has are removed. Runs in the background, one rebuild
// after the other.
@Injectable()
export class ReindexService {
  private readonly logger = new Logger(ReindexService.name);
  private running?: Promise<void>;

  constructor(
    private readonly plans: PlansRepository,
    @Inject(PLAN_INDEX_WRITER) private readonly index: PlanIndexWriter,
    private readonly orders: OrdersRepository,
    @Inject(ORDER_INDEX_WRITER) private readonly orderIndex: OrderIndexWriter,
    private readonly content: ContentSearchRepository,
    @Inject(CONTENT_INDEX_WRITER) private readonly contentIndex: ContentIndexWriter,
  ) {}

  start(target: ReindexTarget): ReindexRun {
    const run: ReindexRun = { id: randomUUID(), target, status: 'accepted', started_at: new Date().toISOString() };
    if (target === 'plans' || target === 'all') {
      const previous = this.running ?? Promise.resolve();
      this.running = previous.then(() => this.rebuildPlans(run.id));
    }
    if (target === 'orders' || target === 'all') {
      const previous = this.running ?? Promise.resolve();
      this.running = previous.then(() => this.rebuildOrders(run.id));
    }
    if (target === 'content' || target === 'all') {
      const previous = this.running ?? Promise.resolve();
      this.running = previous.then(() => this.rebuildContent(run.id));
    }
    return run;
  }

  private async rebuildPlans(runId: string): Promise<void> {
    const started = Date.now();
    try {
      const count = await this.index.rebuild(this.batches());
      this.logger.log(`reindex ${runId}: ${count} plans written to the ${this.index.backend} index in ${Date.now() - started} ms`);
    } catch (error) {
      this.logger.error(`reindex ${runId} failed: ${(error as Error).message}`);
    }
  }

  private async rebuildOrders(runId: string): Promise<void> {
    const started = Date.now();
    try {
      const count = await this.orderIndex.rebuild(this.orderBatches());
      this.logger.log(`reindex ${runId}: ${count} orders written to the ${this.orderIndex.backend} index in ${Date.now() - started} ms`);
    } catch (error) {
      this.logger.error(`reindex ${runId} of orders failed: ${(error as Error).message}`);
    }
  }

  private async rebuildContent(runId: string): Promise<void> {
    const started = Date.now();
    try {
      const count = await this.contentIndex.rebuild(this.contentSource());
      this.logger.log(`reindex ${runId}: ${count} content items written to the ${this.contentIndex.backend} index in ${Date.now() - started} ms`);
    } catch (error) {
      this.logger.error(`reindex ${runId} of content failed: ${(error as Error).message}`);
    }
  }

  private contentSource(): ContentIndexSource {
    const content = this.content;
    return {
      async *batches(): AsyncGenerator<IndexableContent[]> {
        for await (const batch of content.streamAll()) yield batch.map(toChangedEvent); // the documents the indexer builds from content events
      },
      existingIds: (ids) => content.existingIds(ids),
    };
  }

  private async *orderBatches(): AsyncGenerator<OrderDocument[]> {
    for await (const batch of this.orders.streamAll()) yield batch.map(entityDocument);
  }

  private async *batches(): AsyncGenerator<IndexablePlan[]> {
    for await (const batch of this.plans.streamAll()) {
      yield batch.map((plan) => {
        const record = toPlanRecord(plan);
        return { objectId: plan.objectId, version: record.version, document: record.document, metadata: record.metadata };
      });
    }
  }
}
