import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { Actor, PLAN_EVENTS, PlanRecord, Precondition } from '@app/contracts';
import { AuditRepository, PlansRepository } from '@app/persistence';
import { OutboxRelay } from '../outbox/outbox.relay';
import { PlanCacheWriter } from './plan-cache.writer';
import { toPlanRecord } from './plan.mapper';
import { committedPlanEvent, planWriteRecords } from './plan-records.util';
import { PlanWriteSupport, PreparedPlan } from './plan-write.support';

// Conditional replace shared by PUT and PATCH: one statement that updates the plan only if the ETag matches, and
// then its objects, its event and its audit event; after the commit the event goes to the relay and the plan to
// the cache.
@Injectable()
export class PlanReplacer {
  constructor(
    private readonly plans: PlansRepository,
    private readonly audit: AuditRepository,
    private readonly support: PlanWriteSupport,
    private readonly cache: PlanCacheWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async replace(actor: Actor, id: string, prepared: PreparedPlan, precondition: Precondition): Promise<PlanRecord> {
    const records = planWriteRecords(PLAN_EVENTS.updated, actor, id, true);
    const condition = this.support.condition(actor, precondition);
    const stored = await this.audit.inOneStatement(records.audit.action, (manager) =>
      this.plans.replaceIf(manager, id, prepared.write, condition, prepared.decomposed.objects, records),
    );
    if (!stored) return this.support.explainMiss(id, actor);
    this.relay.handOff(committedPlanEvent(records, stored));
    await this.cache.store(stored.plan);
    return toPlanRecord(stored.plan);
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
