import type { estypes } from '@elastic/elasticsearch';
import { PlanSearchQuery } from '@app/contracts';
import { PLAN_RELATIONS } from './plan-index.mapping';
import { websearchQuery } from './websearch-query.util';

type Query = estypes.QueryDslQueryContainer;

const hasChild = (type: string, query: Query): Query => ({ has_child: { type, query } });

// Any membercostshare of the plan in range: the plan's own or one of a plan service's.
function costShareInRange(field: 'copay' | 'deductible', min?: number, max?: number): Query {
  const range: Query = { range: { [field]: { ...(min !== undefined && { gte: min }), ...(max !== undefined && { lte: max }) } } };
  return {
    bool: {
      should: [hasChild(PLAN_RELATIONS.planCostShare, range), hasChild(PLAN_RELATIONS.planService, hasChild(PLAN_RELATIONS.planServiceCostShare, range))],
      minimum_should_match: 1,
    },
  };
}

// The same filters, order and page as PlansRepository.search, over plan documents only.
export function planSearchRequest(query: PlanSearchQuery): Omit<estypes.SearchRequest, 'index'> {
  const filter: Query[] = [{ term: { relation: PLAN_RELATIONS.plan } }];
  // q: the plan document carries the whole plan's text, so "every term somewhere in the plan" is one document.
  if (query.q !== undefined) filter.push(websearchQuery(query.q, 'search_text'));
  if (query.planType !== undefined) filter.push({ term: { planType: query.planType } });
  if (query.org !== undefined) filter.push({ term: { _org: query.org } });
  if (query.serviceName !== undefined) {
    // name.keyword_lower has a lowercase normalizer, which the term query applies to its value too.
    filter.push(hasChild(PLAN_RELATIONS.planService, hasChild(PLAN_RELATIONS.service, { term: { 'name.keyword_lower': query.serviceName } })));
  }
  if (query.minCopay !== undefined || query.maxCopay !== undefined) filter.push(costShareInRange('copay', query.minCopay, query.maxCopay));
  if (query.minDeductible !== undefined || query.maxDeductible !== undefined) {
    filter.push(costShareInRange('deductible', query.minDeductible, query.maxDeductible));
  }
  const order = query.order ?? 'desc';
  return {
    query: { bool: { filter } },
    sort: [{ created_at: { order } }, { objectId: { order } }],
    from: (query.page - 1) * query.page_size,
    size: query.page_size,
    track_total_hits: true,
    _source: false,
    // Before the first write there is no index yet: nothing matches, as in an empty Postgres.
    ignore_unavailable: true,
  };
}
