import { PlanDocument } from '@app/contracts';
import { PlanObjectRow } from '@app/persistence';

export interface DecomposedPlan {
  objects: PlanObjectRow[];
  searchText: string;
  planType: string;
  org: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// Splits a (valid) plan into its nested objects, each with its parent and the relation it hangs on, so every
// object is addressable and a delete removes exactly the plan's subtree. Also gathers the full-text input:
// names, planType and every _org.
export function decomposePlan(plan: PlanDocument): DecomposedPlan {
  const objects: PlanObjectRow[] = [];
  const words: string[] = [String(plan.planType), String(plan._org)];
  const visit = (node: Record<string, unknown>, parentId: string | null, relation: string | null) => {
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (isObject(value) && typeof value.objectId === 'string') visit(value, String(node.objectId), key);
      else if (Array.isArray(value) && value.every((item) => isObject(item) && typeof item.objectId === 'string')) {
        value.forEach((item) => visit(item as Record<string, unknown>, String(node.objectId), key));
      } else properties[key] = value;
    }
    if (typeof node._org === 'string' && parentId !== null) words.push(node._org);
    if (typeof node.name === 'string') words.push(node.name);
    objects.push({
      objectId: String(node.objectId),
      objectType: String(node.objectType),
      parentId,
      relation,
      properties,
      name: typeof node.name === 'string' ? node.name : null,
      copay: typeof node.copay === 'number' ? node.copay : null,
      deductible: typeof node.deductible === 'number' ? node.deductible : null,
    });
  };
  visit(plan, null, null);
  return { objects, searchText: words.join(' '), planType: String(plan.planType), org: String(plan._org) };
}
