import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, MetricsService } from '@app/common';
import { PLAN_CACHE_FIELDS, planCacheKey } from '@app/contracts';
import { HashPrefetch } from '../access/access.decorators';
import { noneMatch, parseEntityTags } from './entity-tags.util';

export const PLAN_PREFETCH: HashPrefetch = { key: (params) => planCacheKey(params.id), fields: PLAN_CACHE_FIELDS };
const JSON_TYPE = 'application/json; charset=utf-8';

// Writes a plan read: ETag, Last-Modified, then 304 when If-None-Match matches (weak comparison) or 200.
@Injectable()
export class PlanCacheResponder {
  constructor(private readonly metrics: MetricsService) {}

  // Answers from the prefetched cache hash (200, 304, or 404 for a tombstone); false on a miss.
  answerFromCache(request: FastifyRequest, reply: FastifyReply): boolean {
    const [version, etag, modified, body, deleted] = request.prefetched ?? [];
    if (!version) return false;
    this.metrics.cacheLookups.inc({ cache: 'plan', result: 'hit' });
    reply.header('X-Cache', 'HIT');
    if (deleted === '1') throw new DomainError('NOT_FOUND', 'Plan not found');
    this.send(request, reply, etag!, modified!, body!);
    return true;
  }

  send(request: FastifyRequest, reply: FastifyReply, etag: string, modified: string, body: string): void {
    reply.header('ETag', etag).header('Last-Modified', modified).header('Cache-Control', 'private, no-cache');
    if (!noneMatch(parseEntityTags(request.headers['if-none-match']), etag)) {
      reply.status(304).send();
      return;
    }
    reply.status(200).header('Content-Type', JSON_TYPE).send(body);
  }
}
