import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@app/common';
import { AccessService } from '../access/access.service';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { sendError } from '../errors/http-exception.filter';
import { API_PREFIX } from '../http/http-app.setup';
import { EventRangeQuery, parseEventRange } from './event-range.util';
import { PROVIDER_SEARCH_ALIAS, sendProviderEvents } from './provider-events.controller';
import { SearchProviderEventsUseCase } from './search-provider-events.use-case';

const ROUTES = new Set([`/${API_PREFIX}/events/search`, `/${PROVIDER_SEARCH_ALIAS}`]);
const PARAMETERS = new Set(['starts_at', 'ends_at']);

// The query as the strict validation pipe would take it (only starts_at and ends_at, each once, as text), or
// undefined for anything else: that goes on to the Nest route, which gives the full 400.
export function plainRangeQuery(query: unknown): EventRangeQuery | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  for (const [name, value] of Object.entries(query)) if (!PARAMETERS.has(name) || typeof value !== 'string') return undefined;
  return query;
}

// GET /events/search (and its root alias) in an onRequest hook, before the Nest router, guard and validation
// pipe, which cost more than the search itself on a cache hit (issue 20: class-validator alone was 15 % of the
// gateway's time): the same anonymous rate limit (AccessService, counted once), the same range parse and use
// case as ProviderEventsController. A query it does not take as it is (another parameter, a repeated one, a
// range that does not parse) goes on to the Nest route, already counted, for the contract's 400.
export function registerProviderEventsFastPath(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const access = app.get(AccessService);
  const search = app.get(SearchProviderEventsUseCase);
  const config = app.get<GatewayConfig>(GATEWAY_CONFIG);
  const logger = new Logger('ProviderEventsFastPath');

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET' || !ROUTES.has(request.routeOptions.url ?? '')) return;
    const query = plainRangeQuery(request.query);
    if (!query) return;
    try {
      await access.limitAnonymous(request, reply);
      let range;
      try {
        range = parseEventRange(query, config.PROVIDER_TIMEZONE);
      } catch (error) {
        if (error instanceof DomainError) return; // the Nest route answers it
        throw error;
      }
      sendProviderEvents(reply, await search.execute(range, request.id));
    } catch (error) {
      sendError(request, reply, error, logger);
    }
    return reply;
  });
}
