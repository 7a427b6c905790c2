import schema from './plan.schema.json';

// The plan JSON Schema (draft 2020-12), vendored from the shared contract so the repo stands alone.
export const PLAN_SCHEMA: Record<string, unknown> = schema;
