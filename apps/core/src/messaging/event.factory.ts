import { randomUUID } from 'node:crypto';
import { currentRequestId, REQUEST_ID_HEADER } from '@app/common';
import { EventType } from '@app/contracts';
import { NewOutboxEvent } from '@app/persistence';

// Builds the outbox row for a change: {event_type, event_id, timestamp, data}, with the request id.
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
  };
}
