import type { estypes } from '@elastic/elasticsearch';

export const PLAN_INDEX = 'plans';

// One join field: each membercostshare kind gets its own relation name because a child name may have only
// one parent in a join.
export const PLAN_RELATIONS = {
  plan: 'plan',
  planCostShare: 'plan_cost_share',
  planService: 'planservice',
  service: 'service',
  planServiceCostShare: 'planservice_cost_share',
} as const;

export type PlanRelation = (typeof PLAN_RELATIONS)[keyof typeof PLAN_RELATIONS];

export interface PlanIndexBody {
  settings: estypes.IndicesIndexSettings;
  mappings: estypes.MappingTypeMapping;
}

export const PLAN_INDEX_BODY: PlanIndexBody = {
  settings: {
    analysis: {
      // Postgres matches service names with lower(name) = lower($1): exact, case-insensitive, not tokenized.
      normalizer: { lowercase: { type: 'custom', filter: ['lowercase'] } },
    },
  },
  mappings: {
    // Strict: a document the mapping does not know fails its bulk item instead of growing the mapping.
    dynamic: 'strict',
    properties: {
      relation: {
        type: 'join',
        relations: {
          [PLAN_RELATIONS.plan]: [PLAN_RELATIONS.planCostShare, PLAN_RELATIONS.planService],
          [PLAN_RELATIONS.planService]: [PLAN_RELATIONS.service, PLAN_RELATIONS.planServiceCostShare],
        },
      },
      plan_id: { type: 'keyword' },
      objectId: { type: 'keyword' },
      objectType: { type: 'keyword' },
      _org: { type: 'keyword' },
      planType: { type: 'keyword' },
      creationDate: { type: 'keyword' },
      name: { type: 'text', fields: { keyword_lower: { type: 'keyword', normalizer: 'lowercase' } } },
      copay: { type: 'integer' },
      deductible: { type: 'integer' },
      created_at: { type: 'date' },
      version: { type: 'long' },
      // On the plan document only: planType, every _org and every name of the plan as one text in the order
      // core builds its tsvector, so phrases and "all terms somewhere in the plan" match as in Postgres.
      search_text: { type: 'text', analyzer: 'standard' },
    },
  },
};
