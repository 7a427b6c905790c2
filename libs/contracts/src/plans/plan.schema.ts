import example from './plan.example.json';
import schema from './plan.schema.json';

// Decomposed cost shares are stored in Postgres `integer` columns: a larger number is a 400 with its pointer,
// not a database error.
export const PLAN_INTEGER_MAXIMUM = 2_147_483_647;

// Every `"type": "integer"` without an upper bound gets the storage bound; the rest is the schema as given.
function withStorageBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withStorageBounds);
  if (node === null || typeof node !== 'object') return node;
  const copy = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withStorageBounds(value)]));
  if (copy.type === 'integer' && copy.maximum === undefined) copy.maximum = PLAN_INTEGER_MAXIMUM;
  return copy;
}

// The plan JSON Schema (draft 2020-12), vendored from the shared contract so the repo stands alone.
export const PLAN_SCHEMA = withStorageBounds(schema) as Record<string, unknown>;

// The contract's example plan (vendored like the schema): documentation examples and fixtures.
export const PLAN_EXAMPLE: Readonly<Record<string, unknown>> = example;
