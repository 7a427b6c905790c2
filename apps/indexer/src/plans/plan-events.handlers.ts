import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PLAN_EVENTS } from '@app/contracts';
import { PLAN_INDEX_WRITER, PlanIndexWriter } from '@app/search';
import { IndexLagRecorder } from '../events/index-lag.recorder';
import { PlanEvent, PlanEventPipe } from './plan-event.pipe';

// Keeps the search index in step with plan changes. Every write carries the plan's version, so a redelivered
// or out-of-order event can never make the index older than it is (the backend ignores stale versions).
@Controller()
export class PlanEventsHandlers {
  constructor(
    @Inject(PLAN_INDEX_WRITER) private readonly index: PlanIndexWriter,
    private readonly lag: IndexLagRecorder,
  ) {}

  @EventPattern([PLAN_EVENTS.created, PLAN_EVENTS.updated])
  async upsert(@Payload(PlanEventPipe) event: PlanEvent): Promise<void> {
    const { objectId, version, document, metadata } = event.data;
    if (!document) throw new Error(`${event.event_type} ${event.event_id} carries no document`);
    await this.index.upsert({ objectId, version, document, metadata });
    this.lag.record(event.event_type, event.timestamp);
  }

  @EventPattern(PLAN_EVENTS.deleted)
  async remove(@Payload(PlanEventPipe) event: PlanEvent): Promise<void> {
    await this.index.remove(event.data.objectId, event.data.version);
    this.lag.record(event.event_type, event.timestamp);
  }
}
