import { IsISO8601, IsObject, IsString, IsUUID } from 'class-validator';

// The envelope every event carries on the wire: {event_type, event_id, timestamp, data}.
export class DomainEventEnvelope<T extends object = Record<string, unknown>> {
  @IsString() event_type: string;
  @IsUUID() event_id: string;
  @IsISO8601({ strict: true }) timestamp: string;
  @IsObject() data: T;
}
