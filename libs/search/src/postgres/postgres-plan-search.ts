import { PlanSearchQuery } from '@app/contracts';
import { PlansRepository } from '@app/persistence';
import { IndexablePlan, PlanIndexWriter, PlanSearchReader, PlanSearchResult } from '../plan-search.port';

// The built-in backend searches core's own tables (plans with a tsvector, plan_objects with the cost shares
// and services), which core writes in the same transaction as the plan: the index is the truth, never stale.
export class PostgresPlanSearchReader implements PlanSearchReader {
  readonly backend = 'postgres' as const;

  constructor(private readonly plans: PlansRepository) {}

  search(query: PlanSearchQuery): Promise<PlanSearchResult> {
    const { page, page_size: pageSize, order, ...filters } = query;
    return this.plans.search(filters, page, pageSize, order);
  }
}

// Nothing to write: see the reader. Events are still consumed (and their lag measured) so switching to
// Elasticsearch needs no change to the flow.
export class PostgresPlanIndexWriter implements PlanIndexWriter {
  readonly backend = 'postgres' as const;

  async upsert(_plan: IndexablePlan): Promise<void> {}

  async remove(_planId: string, _version: number): Promise<void> {}

  async rebuild(batches: AsyncIterable<IndexablePlan[]>): Promise<number> {
    let count = 0;
    for await (const batch of batches) count += batch.length;
    return count;
  }

  async ping(): Promise<void> {}
}
