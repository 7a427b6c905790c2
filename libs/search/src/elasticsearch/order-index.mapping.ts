import type { estypes } from '@elastic/elasticsearch';

export const ORDER_INDEX = 'orders';

export const ORDER_INDEX_BODY: { settings: estypes.IndicesIndexSettings; mappings: estypes.MappingTypeMapping } = {
  settings: {},
  mappings: {
    // Strict: a document the mapping does not know fails its bulk item instead of growing the mapping.
    dynamic: 'strict',
    properties: {
      id: { type: 'keyword' },
      user_id: { type: 'keyword' },
      product_name: { type: 'text', analyzer: 'standard' },
      // numeric(14, 2): exact in hundredths.
      amount: { type: 'scaled_float', scaling_factor: 100 },
      currency: { type: 'keyword' },
      plan_id: { type: 'keyword' },
      created_at: { type: 'date' },
    },
  },
};
