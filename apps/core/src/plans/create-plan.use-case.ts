import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, PLAN_EVENTS, PlanRecord } from '@app/contracts';
import { auditEvent, AuditRepository, OutboxRepository, PlansRepository, UniqueViolationError } from '@app/persistence';
import { domainEvent } from '../messaging/event.factory';
import { OUTBOX_CLAIM_MS, OutboxRelay } from '../outbox/outbox.relay';
import { PlanCacheWriter } from './plan-cache.writer';
import { toPlanEvent, toPlanRecord } from './plan.mapper';
import { PlanWriteSupport } from './plan-write.support';

@Injectable()
export class CreatePlanUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlansRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly support: PlanWriteSupport,
    private readonly cache: PlanCacheWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(actor: Actor, document: unknown): Promise<PlanRecord> {
    const prepared = this.support.prepare(document, actor);
    const id = prepared.document.objectId;
    const stored = await this.dataSource
      .transaction(async (tx) => {
        const plan = await this.plans.insert(tx, id, prepared.write, prepared.decomposed.objects);
        const event = await this.outbox.addClaimed(tx, domainEvent('plan', id, PLAN_EVENTS.created, toPlanEvent(plan)), OUTBOX_CLAIM_MS);
        await this.audit.record(tx, [auditEvent('plan.created', actor, { type: 'plan', id })]);
        return { plan, event };
      })
      .catch((error) => {
        if (error instanceof UniqueViolationError) throw new DomainError('PLAN_EXISTS', `A plan with objectId ${id} already exists`);
        throw error;
      });
    this.relay.handOff(stored.event);
    await this.cache.store(stored.plan);
    return toPlanRecord(stored.plan);
  }
}
