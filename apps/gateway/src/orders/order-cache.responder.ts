import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, MetricsService } from '@app/common';
import { decodeCachedOrder, orderCacheKey, Principal } from '@app/contracts';
import { HashPrefetch } from '../access/access.decorators';

// The cached order (a string), read in the access check's round trip. Ids are stored lower case.
export const ORDER_PREFETCH: HashPrefetch = { key: (params) => orderCacheKey(params.id.toLowerCase()) };
const JSON_TYPE = 'application/json; charset=utf-8';

// Answers GET /orders/{id} from the cache: 200 HIT for the owner or an admin, 404 for anyone else (existence is
// not leaked), false on a miss so the route asks core.
@Injectable()
export class OrderCacheResponder {
  constructor(private readonly metrics: MetricsService) {}

  answerFromCache(request: FastifyRequest, reply: FastifyReply): boolean {
    const [value] = request.prefetched ?? [];
    const cached = value ? decodeCachedOrder(value) : null;
    if (!cached) return false;
    this.metrics.cacheLookups.inc({ cache: 'order', result: 'hit' });
    reply.header('X-Cache', 'HIT');
    if (!mayRead(request.principal, cached.ownerId)) throw new DomainError('NOT_FOUND', 'Order not found');
    reply.status(200).header('Content-Type', JSON_TYPE).send(cached.body);
    return true;
  }
}

function mayRead(principal: Principal | undefined, ownerId: string): boolean {
  return Boolean(principal && (principal.user.role === 'admin' || principal.user.id === ownerId));
}
