import { IndexablePlan } from '../plan-search.port';
import { PLAN_RELATIONS, PlanRelation } from './plan-index.mapping';

export interface PlanIndexDocument {
  relation: PlanRelation | { name: PlanRelation; parent: string };
  plan_id: string;
  objectId: string;
  objectType: string;
  version: number;
  _org?: string;
  planType?: string;
  creationDate?: string;
  name?: string;
  copay?: number;
  deductible?: number;
  created_at?: string;
  search_text?: string;
}

// One Elasticsearch document: _id is the plan's objectId for the plan, `${planId}:${objectId}` below it
// (objectIds are unique within a plan, not across plans). Every document is routed by the plan id.
export interface PlanIndexEntry {
  id: string;
  document: PlanIndexDocument;
}

// Which relation a nested object gets, by its parent's relation and the property it hangs on (the schema's tree).
const CHILD_RELATIONS: Partial<Record<PlanRelation, Record<string, PlanRelation>>> = {
  [PLAN_RELATIONS.plan]: { planCostShares: PLAN_RELATIONS.planCostShare, linkedPlanServices: PLAN_RELATIONS.planService },
  [PLAN_RELATIONS.planService]: { linkedService: PLAN_RELATIONS.service, planserviceCostShares: PLAN_RELATIONS.planServiceCostShare },
};

const TEXT_FIELDS = ['_org', 'planType', 'creationDate', 'name'] as const;
const NUMBER_FIELDS = ['copay', 'deductible'] as const;

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Node).objectId === 'string';

// The plan and every object below it, the plan first.
export function toPlanIndexEntries(plan: IndexablePlan): PlanIndexEntry[] {
  const planId = plan.objectId;
  const entries: PlanIndexEntry[] = [];
  const visit = (node: Node, relation: PlanRelation, parentId: string | null) => {
    const id = parentId === null ? planId : `${planId}:${String(node.objectId)}`;
    const document: PlanIndexDocument = {
      relation: parentId === null ? relation : { name: relation, parent: parentId },
      plan_id: planId,
      objectId: String(node.objectId),
      objectType: String(node.objectType),
      version: plan.version,
    };
    for (const field of TEXT_FIELDS) if (typeof node[field] === 'string') document[field] = node[field];
    for (const field of NUMBER_FIELDS) if (typeof node[field] === 'number') document[field] = node[field];
    if (parentId === null) Object.assign(document, { created_at: plan.metadata.created_at, search_text: planSearchText(node) });
    entries.push({ id, document });
    for (const [key, value] of Object.entries(node)) {
      const children = isNode(value) ? [value] : Array.isArray(value) && value.length > 0 && value.every(isNode) ? value : [];
      if (children.length === 0) continue;
      const childRelation = CHILD_RELATIONS[relation]?.[key];
      // The mapping knows the schema's tree only; a new kind of nested object needs a new relation first.
      if (!childRelation) throw new Error(`plan ${planId}: no index relation for "${key}" under a ${relation}`);
      for (const child of children) visit(child, childRelation, id);
    }
  };
  visit(plan.document, PLAN_RELATIONS.plan, null);
  return entries;
}

// The same words in the same order as core's decomposePlan feeds to to_tsvector: planType, the plan's _org,
// then depth-first (children before their parent) each nested object's _org and name. Keeping the order keeps
// phrase matches that span two objects the same in both backends.
export function planSearchText(plan: Node): string {
  const words: string[] = [String(plan.planType), String(plan._org)];
  const visit = (node: Node, nested: boolean) => {
    for (const value of Object.values(node)) {
      if (isNode(value)) visit(value, true);
      else if (Array.isArray(value) && value.every(isNode)) value.forEach((item) => visit(item, true));
    }
    if (nested && typeof node._org === 'string') words.push(node._org);
    if (typeof node.name === 'string') words.push(node.name);
  };
  visit(plan, false);
  return words.join(' ');
}
