import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DomainEventEnvelope, EVENTS } from '@app/contracts';
import { IndexLagRecorder } from './index-lag.recorder';

// User events carry nothing searchable yet (no user search in the contract); they are validated and
// acknowledged so the queue never backs up, and a malformed one is dead-lettered by the ack interceptor.
@Controller()
export class UserEventsHandlers {
  private readonly logger = new Logger(UserEventsHandlers.name);

  constructor(private readonly lag: IndexLagRecorder) {}

  @EventPattern([EVENTS.userCreated, EVENTS.userUpdated, EVENTS.userDeleted])
  handle(@Payload() event: DomainEventEnvelope): void {
    this.logger.debug(`${event.event_type} ${event.event_id} received`);
    this.lag.record(event.event_type, event.timestamp);
  }
}
