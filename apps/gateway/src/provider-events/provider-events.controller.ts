import { applyDecorators, Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '@app/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { ApiErrors, ApiPublicCall } from '../http/openapi/api-docs.decorators';
import { headerRefs } from '../http/openapi/openapi.components';
import { RequestId } from '../http/request-id.decorator';
import { ProviderEventsEnvelopeDto, SearchEventsQueryDto } from './dto/provider-events.dto';
import { parseEventRange } from './event-range.util';
import { ProviderEventsAnswer, SearchProviderEventsUseCase } from './search-provider-events.use-case';

// The root alias for clients of the original provider-marketplace contract (excluded from the /api/v1 prefix).
export const PROVIDER_SEARCH_ALIAS = 'search';

const DESCRIPTION =
  'Every provider plan ever sold online (including plans that have since turned offline or left the feed) whose start and end ' +
  'both lie within [starts_at, ends_at], inclusive, compared as instants; each bound optional. Ordered by start, then id. ' +
  'Always answered from our own storage, never from the provider. X-Data-Synced-At says when the catalog was last synced.';

const ApiProviderEventsSearch = (summary: string) =>
  applyDecorators(
    PublicRoute(),
    ApiOperation({ summary, description: DESCRIPTION }),
    ApiOkResponse({ type: ProviderEventsEnvelopeDto, headers: headerRefs('X-Data-Synced-At', 'X-Cache', 'X-Results-Truncated') }),
    ApiPublicCall(),
    ApiErrors(400),
  );

@ApiTags('events')
@Controller()
export class ProviderEventsController {
  constructor(
    private readonly search: SearchProviderEventsUseCase,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('events/search')
  @ApiProviderEventsSearch('Search the provider catalog')
  async events(@Query() query: SearchEventsQueryDto, @RequestId() requestId: string, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(query, requestId, reply);
  }

  @Get(PROVIDER_SEARCH_ALIAS)
  @ApiProviderEventsSearch('Search the provider catalog (the provider-marketplace path; the same as /api/v1/events/search)')
  async alias(@Query() query: SearchEventsQueryDto, @RequestId() requestId: string, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(query, requestId, reply);
  }

  private async answer(query: SearchEventsQueryDto, requestId: string, reply: FastifyReply): Promise<void> {
    sendProviderEvents(reply, await this.search.execute(parseEventRange(query, this.config.PROVIDER_TIMEZONE), requestId));
  }
}

// The answer with its headers, from this route or from the fast path (provider-events.fast-path.ts).
export function sendProviderEvents(reply: FastifyReply, result: ProviderEventsAnswer): void {
  if (result.syncedAt) reply.header('X-Data-Synced-At', result.syncedAt);
  if (result.truncated) reply.header('X-Results-Truncated', 'true');
  reply.header('X-Cache', result.cache).header('Content-Type', 'application/json; charset=utf-8').send(result.body);
}
