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
import { ReindexPart, ReindexProgressStore } from './reindex-progress.store';

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
    private readonly progress: ReindexProgressStore,
  ) {}

  async start(target: ReindexTarget): Promise<ReindexRun> {
    const run: ReindexRun = { id: randomUUID(), target, status: 'accepted', started_at: new Date().toISOString() };
    const parts: ReindexPart[] = target === 'all' ? ['plans', 'orders', 'content'] : [target];
    await this.progress.begin(run.id, target, parts);
    for (const part of parts) {
      const previous = this.running ?? Promise.resolve();
      this.running = previous.then(() => this.rebuild(run.id, part));
    }
    return run;
  }

  // One part of a run: counts what Postgres holds, then writes it batch by batch, reporting each batch.
  private async rebuild(runId: string, part: ReindexPart): Promise<void> {
    const started = Date.now();
    const backend = { plans: this.index, orders: this.orderIndex, content: this.contentIndex }[part].backend;
    try {
      const total = await { plans: () => this.plans.countAll(), orders: () => this.orders.countAll(), content: () => this.content.countAll() }[part]();
      await this.progress.update(runId, part, { status: 'running', total });
      let done = 0;
      const report = async <T>(batch: T[]) => {
        done += batch.length;
        await this.progress.update(runId, part, { done });
      };
      const count =
        part === 'plans'
          ? await this.index.rebuild(this.reported(this.batches(), report))
          : part === 'orders'
            ? await this.orderIndex.rebuild(this.reported(this.orderBatches(), report))
            : await this.contentIndex.rebuild(this.contentSource(report));
      await this.progress.update(runId, part, { status: 'succeeded', done: count, total: Math.max(total, count) });
      this.logger.log(`reindex ${runId}: ${count} ${part === 'content' ? 'content items' : part} written to the ${backend} index in ${Date.now() - started} ms`);
    } catch (error) {
      await this.progress.update(runId, part, { status: 'failed', error: (error as Error).message });
      this.logger.error(`reindex ${runId} of ${part} failed: ${(error as Error).message}`);
    }
  }

  // The same batches, each reported once the writer has taken it.
  private async *reported<T>(batches: AsyncGenerator<T[]>, report: (batch: T[]) => Promise<void>): AsyncGenerator<T[]> {
    for await (const batch of batches) {
      yield batch;
      await report(batch);
    }
  }

  private contentSource(report: (batch: IndexableContent[]) => Promise<void>): ContentIndexSource {
    const content = this.content;
    return {
      async *batches(): AsyncGenerator<IndexableContent[]> {
        for await (const batch of content.streamAll()) {
          const documents = batch.map(toChangedEvent); // the documents the indexer builds from content events
          yield documents;
          await report(documents);
        }
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
