import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, PLAN_EVENTS, PlanRecord, Precondition } from '@app/contracts';
import { auditEvent, AuditRepository, OutboxRepository, PlansRepository } from '@app/persistence';
import { domainEvent } from '../messaging/event.factory';
import { PlanCacheWriter } from './plan-cache.writer';
import { toPlanEvent, toPlanRecord } from './plan.mapper';
import { PlanWriteSupport, PreparedPlan } from './plan-write.support';

// Conditional replace shared by PUT and PATCH: one UPDATE ... WHERE etag matches, then objects, event, cache.
@Injectable()
export class PlanReplacer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly support: PlanWriteSupport,
    private readonly cache: PlanCacheWriter,
  ) {}

  async replace(actor: Actor, id: string, prepared: PreparedPlan, precondition: Precondition): Promise<PlanRecord> {
    const stored = await this.dataSource.transaction(async (tx) => {
      const plan = await this.plans.replaceIf(tx, id, prepared.write, this.support.condition(actor, precondition));
      if (!plan) return null;
      await this.plans.replaceObjects(tx, id, prepared.decomposed.objects);
      await this.outbox.add(tx, domainEvent('plan', id, PLAN_EVENTS.updated, toPlanEvent(plan)));
      await this.audit.record(tx, [auditEvent('plan.updated', actor, { type: 'plan', id }, { version: plan.version })]);
      return plan;
    });
    if (!stored) return this.support.explainMiss(id, actor);
    await this.cache.store(stored);
    return toPlanRecord(stored);
  }
}

@Injectable()
export class ReplacePlanUseCase {
  constructor(
    private readonly support: PlanWriteSupport,
    private readonly replacer: PlanReplacer,
  ) {}

  async execute(actor: Actor, id: string, document: unknown, precondition: Precondition): Promise<PlanRecord> {
    const prepared = this.support.prepare(document, actor);
    if (prepared.document.objectId !== id) {
      throw new DomainError('VALIDATION_ERROR', 'The objectId in the body differs from the one in the path', {
        errors: [{ pointer: '/objectId', message: `must equal the path id ${id}` }],
      });
    }
    return this.replacer.replace(actor, id, prepared, precondition);
  }
}
