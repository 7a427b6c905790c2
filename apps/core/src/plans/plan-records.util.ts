import { randomUUID } from 'node:crypto';
import { activeTraceCarrier, currentRequestId, REQUEST_ID_HEADER } from '@app/common';
import { Actor, EventType } from '@app/contracts';
import { auditEvent, OutboxRow, PlanEntity, PlanWriteRecords, WrittenPlan } from '@app/persistence';
import { OUTBOX_CLAIM_MS } from '../outbox/outbox.relay';
import { toPlanEvent } from './plan.mapper';

// The event and audit event a plan write stores in its own statement (PlansRepository builds the event's data
// from the written row), with the request id and trace context of the write, as domainEvent() makes them.
export function planWriteRecords(eventType: EventType, actor: Actor, id: string, withVersion: boolean): PlanWriteRecords {
  const requestId = currentRequestId();
  return {
    event: {
      eventType,
      eventId: randomUUID(),
      timestamp: new Date().toISOString(),
      headers: requestId ? { [REQUEST_ID_HEADER]: requestId } : {},
      traceContext: activeTraceCarrier(),
    },
    claimMs: OUTBOX_CLAIM_MS,
    audit: auditEvent(eventType, actor, { type: 'plan', id }),
    auditVersion: withVersion,
  };
}

// The outbox row the statement wrote, as the relay publishes it: the same payload, made here from the same row.
export function committedPlanEvent({ event }: PlanWriteRecords, { plan, outbox }: WrittenPlan & { plan: PlanEntity }): OutboxRow {
  if (!outbox) throw new Error(`the write of plan ${plan.objectId} returned no outbox row`);
  const payload = { event_type: event.eventType, event_id: event.eventId, timestamp: event.timestamp, data: toPlanEvent(plan) };
  return {
    id: outbox.id,
    createdAt: outbox.createdAt,
    eventType: event.eventType,
    eventId: event.eventId,
    payload,
    headers: event.headers,
    traceContext: event.traceContext,
  };
}
