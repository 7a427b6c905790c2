import { randomUUID } from 'node:crypto';
import { activeTraceCarrier, currentRequestId, REQUEST_ID_HEADER } from '@app/common';
import { EventType } from '@app/contracts';
import { NewOutboxEvent } from '@app/persistence';

// Builds the outbox row for a change: {event_type, event_id, timestamp, data}, with the request id and the trace
// context of the write (the relay publishes the event as part of that trace).
export function domainEvent(aggregateType: string, aggregateId: string, eventType: EventType, data: object): NewOutboxEvent {
  const eventId = randomUUID();
  const requestId = currentRequestId();
  return {
    aggregateType,
    aggregateId,
    eventType,
    eventId,
    payload: { event_type: eventType, event_id: eventId, timestamp: new Date().toISOString(), data },
    headers: requestId ? { [REQUEST_ID_HEADER]: requestId } : {},
    traceContext: activeTraceCarrier(),
  };
}
