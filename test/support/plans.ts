import { randomUUID } from 'node:crypto';
import example from '../fixtures/plan-example.json';

export type Plan = typeof example;

// The contract's example plan with every objectId made unique, so tests never collide.
export function makePlan(overrides: { planType?: string; org?: string; copay?: number; deductible?: number; serviceName?: string } = {}): Plan {
  const suffix = randomUUID().slice(0, 8);
  const plan = JSON.parse(JSON.stringify(example).replace(/"objectId":"([^"]+)"/g, (_m, id) => `"objectId":"${id}-${suffix}"`)) as Plan;
  if (overrides.planType) plan.planType = overrides.planType;
  if (overrides.org) plan._org = overrides.org;
  if (overrides.copay !== undefined) plan.planCostShares.copay = overrides.copay;
  if (overrides.deductible !== undefined) plan.planCostShares.deductible = overrides.deductible;
  if (overrides.serviceName) plan.linkedPlanServices[0].linkedService.name = overrides.serviceName;
  return plan;
}
