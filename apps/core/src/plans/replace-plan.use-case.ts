import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, PLAN_EVENTS, PlanRecord, Precondition } from '@app/contracts';
import { auditEvent, AuditRepository, OutboxRepository, PlansRepository } from '@app/persistence';
import { domainEvent } from '../messaging/event.factory';
import { OUTBOX_CLAIM_MS, OutboxRelay } from '../outbox/outbox.relay';
import { PlanCacheWriter } from './plan-cache.writer';
import { toPlanEvent, toPlanRecord } from './plan.mapper';
import { PlanWriteSupport, PreparedPlan } from './plan-write.support';

// Conditional replace shared by PUT and PATCH: one UPDATE ... WHERE etag matches (with the objects), then the
// claimed event and the audit event; after the commit the event goes to the relay and the plan to the cache.
@Injectable()
export class PlanReplacer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly support: PlanWriteSupport,
    private readonly cache: PlanCacheWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async replace(actor: Actor, id: string, prepared: PreparedPlan, precondition: Precondition): Promise<PlanRecord> {
    const stored = await this.dataSource.transaction(async (tx) => {
      const plan = await this.plans.replaceIf(tx, id, prepared.write, this.support.condition(actor, precondition), prepared.decomposed.objects);
      if (!plan) return null;
      const event = await this.outbox.addClaimed(tx, domainEvent('plan', id, PLAN_EVENTS.updated, toPlanEvent(plan)), OUTBOX_CLAIM_MS);
      await this.audit.record(tx, [auditEvent('plan.updated', actor, { type: 'plan', id }, { version: plan.version })]);
      return { plan, event };
    });
    if (!stored) return this.support.explainMiss(id, actor);
    this.relay.handOff(stored.event);
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
