import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, PLAN_EVENTS, Precondition } from '@app/contracts';
import { auditEvent, AuditRepository, OutboxRepository, PlansRepository } from '@app/persistence';
import { domainEvent } from '../messaging/event.factory';
import { PlanCacheWriter } from './plan-cache.writer';
import { toPlanEvent } from './plan.mapper';
import { PlanWriteSupport } from './plan-write.support';

// Deletes the plan and, by cascade, every nested object; the event tells the index to drop the subtree and the
// cache gets a tombstone so no reader sees the plan after the 204.
@Injectable()
export class DeletePlanUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly support: PlanWriteSupport,
    private readonly cache: PlanCacheWriter,
  ) {}

  async execute(actor: Actor, id: string, precondition?: Precondition): Promise<void> {
    const deleted = await this.dataSource.transaction(async (tx) => {
      const removed = await this.plans.deleteIf(tx, id, this.support.condition(actor, precondition));
      if (!removed) return null;
      const version = await this.plans.nextVersion(tx);
      await this.outbox.add(tx, domainEvent('plan', id, PLAN_EVENTS.deleted, toPlanEvent(removed, version)));
      await this.audit.record(tx, [auditEvent('plan.deleted', actor, { type: 'plan', id })]);
      return version;
    });
    if (deleted === null) return this.support.explainMiss(id, actor);
    await this.cache.tombstone(id, deleted);
  }
}
