import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { Actor, PLAN_EVENTS, PlanRecord } from '@app/contracts';
import { AuditRepository, PlansRepository, UniqueViolationError } from '@app/persistence';
import { OutboxRelay } from '../outbox/outbox.relay';
import { PlanCacheWriter } from './plan-cache.writer';
import { toPlanRecord } from './plan.mapper';
import { committedPlanEvent, planWriteRecords } from './plan-records.util';
import { PlanWriteSupport } from './plan-write.support';

// The plan, its objects, its event and its audit event in one statement; after the commit the event goes to
// the relay (published from memory) and the plan to the cache.
@Injectable()
export class CreatePlanUseCase {
  constructor(
    private readonly plans: PlansRepository,
    private readonly audit: AuditRepository,
    private readonly support: PlanWriteSupport,
    private readonly cache: PlanCacheWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(actor: Actor, document: unknown): Promise<PlanRecord> {
    const prepared = this.support.prepare(document, actor);
    const id = prepared.document.objectId;
    const records = planWriteRecords(PLAN_EVENTS.created, actor, id, false);
    const stored = await this.audit
      .inOneStatement(records.audit.action, (manager) => this.plans.insert(manager, id, prepared.write, prepared.decomposed.objects, records))
      .catch((error) => {
        if (error instanceof UniqueViolationError) throw new DomainError('PLAN_EXISTS', `A plan with objectId ${id} already exists`);
        throw error;
      });
    this.relay.handOff(committedPlanEvent(records, stored));
    await this.cache.store(stored.plan);
    return toPlanRecord(stored.plan);
  }
}
