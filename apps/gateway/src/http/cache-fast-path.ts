import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PLAN_ID_PATTERN } from '@app/contracts';
import { HashPrefetch } from '../access/access.decorators';
import { AccessPolicy, AccessService } from '../access/access.service';
import { sendError } from '../errors/http-exception.filter';
import { CONTENT_ITEM_PREFETCH, CONTENT_LIST_PREFETCH, ContentCacheResponder, isContentId } from '../content/content-cache.responder';
import { canonicalListQuery } from '../content/content-list-query.util';
import { cacheableSalesDays, SALES_PREFETCH, SalesCacheResponder } from '../dashboard/sales-cache.responder';
import { ORDER_PREFETCH, OrderCacheResponder } from '../orders/order-cache.responder';
import { PLAN_PREFETCH, PlanCacheResponder } from '../plans/plan-cache.responder';
import { API_PREFIX } from './http-app.setup';

interface FastRoute {
  prefetch?: HashPrefetch;
  accepts?: (request: FastifyRequest) => boolean;
  // The route's own access metadata (the Nest guard reads it from the decorators).
  policy?: AccessPolicy;
  // True when the response was sent from the cache; false hands the request to the Nest route.
  answer: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The gateway's cache fast path: the hot reads are answered in an onRequest hook, before the Nest
// pipeline, with exactly the access check the Nest guard applies (shared AccessService). Anything the cache
// cannot answer continues to the Nest route already authenticated and counted, so nothing is done twice.
export function registerCacheFastPath(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const access = app.get(AccessService);
  const plans = app.get(PlanCacheResponder);
  const orders = app.get(OrderCacheResponder);
  const content = app.get(ContentCacheResponder);
  const sales = app.get(SalesCacheResponder);
  const logger = new Logger('CacheFastPath');
  const routes = new Map<string, FastRoute>([
    [
      `/${API_PREFIX}/plans/:id`,
      {
        prefetch: PLAN_PREFETCH,
        accepts: (request) => PLAN_ID_PATTERN.test((request.params as { id: string }).id),
        answer: (request, reply) => plans.answerFromCache(request, reply),
      },
    ],
    [
      `/${API_PREFIX}/orders/:id`,
      {
        prefetch: ORDER_PREFETCH,
        accepts: (request) => UUID.test((request.params as { id: string }).id),
        answer: (request, reply) => orders.answerFromCache(request, reply),
      },
    ],
    [
      `/${API_PREFIX}/content/:id`,
      {
        prefetch: CONTENT_ITEM_PREFETCH,
        accepts: (request) => isContentId((request.params as { id: string }).id),
        answer: (request, reply) => content.answerItem(request, reply),
      },
    ],
    [
      `/${API_PREFIX}/content`,
      {
        prefetch: CONTENT_LIST_PREFETCH,
        accepts: (request) => canonicalListQuery(request.query as Record<string, unknown>) !== null,
        answer: (request, reply) => content.answerList(request, reply),
      },
    ],
    [
      `/${API_PREFIX}/dashboard/sales`,
      {
        prefetch: SALES_PREFETCH,
        accepts: (request) => cacheableSalesDays(request.query as Record<string, unknown>) !== null,
        policy: { roles: ['admin'] },
        answer: (request, reply) => sales.answerFromCache(request, reply),
      },
    ],
    [
      `/${API_PREFIX}/users/me`,
      {
        answer: (request, reply) => {
          reply.header('X-Cache', request.principalCache ?? 'MISS').header('Content-Type', 'application/json; charset=utf-8');
          reply.send(JSON.stringify(request.principal!.user));
          return true;
        },
      },
    ],
  ]);

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET') return;
    const route = routes.get(request.routeOptions.url ?? '');
    if (!route || (route.accepts && !route.accepts(request))) return;
    try {
      const principal = await access.authenticate(request, reply, route.prefetch);
      access.authorize(principal, request.method, route.policy ?? {});
      if (route.answer(request, reply)) return reply;
    } catch (error) {
      sendError(request, reply, error, logger);
      return reply;
    }
  });
}
