import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PROVIDER_PATTERNS, SearchProviderEventsPayload, SearchProviderEventsReply } from '@app/contracts';
import { ProviderEventsQueryService } from './provider-events-query.service';

@Controller()
export class ProviderEventsHandlers {
  constructor(private readonly queries: ProviderEventsQueryService) {}

  // The payload is validated by the RPC server's strict pipe (ISO 8601 instants, no unknown fields).
  @MessagePattern(PROVIDER_PATTERNS.search)
  search(@Payload() payload: SearchProviderEventsPayload): Promise<SearchProviderEventsReply> {
    return this.queries.search(payload);
  }
}
