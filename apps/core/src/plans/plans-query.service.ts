import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { ListPlansPayload, Page, pageMeta, PlanListItem, PlanRecord, SearchPlansPayload } from '@app/contracts';
import { PlansRepository } from '@app/persistence';
import { PLAN_SEARCH_READER, PlanSearchReader } from '@app/search';
import { PlanCacheWriter } from './plan-cache.writer';
import { toPlanListItem, toPlanRecord } from './plan.mapper';

@Injectable()
export class PlansQueryService {
  constructor(
    private readonly plans: PlansRepository,
    private readonly cache: PlanCacheWriter,
    @Inject(PLAN_SEARCH_READER) private readonly search: PlanSearchReader,
  ) {}

  // The gateway's cache-miss path: read the truth, refill the cache (never over a newer entry).
  async get(id: string): Promise<PlanRecord> {
    const plan = await this.plans.findById(id);
    if (!plan) throw new DomainError('NOT_FOUND', 'Plan not found');
    await this.cache.store(plan);
    return toPlanRecord(plan);
  }

  async list(query: ListPlansPayload): Promise<Page<PlanListItem>> {
    const { items, total } = await this.plans.list(query.page, query.page_size, query.sort_by, query.order);
    return { data: items.map(toPlanListItem), meta: pageMeta(query.page, query.page_size, total) };
  }

  async find(query: SearchPlansPayload): Promise<Page<PlanListItem>> {
    for (const [min, max] of [
      ['minCopay', 'maxCopay'],
      ['minDeductible', 'maxDeductible'],
    ] as const) {
      if (query[min] !== undefined && query[max] !== undefined && query[min] > query[max]) {
        throw new DomainError('VALIDATION_ERROR', `${min} must not exceed ${max}`, { errors: [{ field: min, problems: [`must be <= ${max}`] }] });
      }
    }
    const { ids, total } = await this.search.search(query);
    const plans = await this.plans.findByIdsInOrder(ids);
    return { data: plans.map(toPlanListItem), meta: pageMeta(query.page, query.page_size, total) };
  }
}
