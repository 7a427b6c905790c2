import { PlanDocument, PlanEventData, PlanListItem, PlanMetadata, PlanRecord } from '@app/contracts';
import { PlanEntity } from '@app/persistence';

export function planMetadata(plan: PlanEntity): PlanMetadata {
  return {
    created_by: plan.createdBy,
    created_at: plan.createdAt.toISOString(),
    updated_by: plan.updatedBy,
    updated_at: plan.updatedAt.toISOString(),
  };
}

export function toPlanRecord(plan: PlanEntity): PlanRecord {
  return { document: plan.document as PlanDocument, etag: plan.etag, version: Number(plan.version), metadata: planMetadata(plan) };
}

export function toPlanListItem(plan: PlanEntity): PlanListItem {
  return { data: plan.document as PlanDocument, metadata: planMetadata(plan), etag: plan.etag };
}

export function toPlanEvent(plan: PlanEntity, deletedAtVersion?: string): PlanEventData {
  return {
    objectId: plan.objectId,
    version: Number(deletedAtVersion ?? plan.version),
    document: deletedAtVersion ? null : (plan.document as PlanDocument),
    metadata: planMetadata(plan),
  };
}
