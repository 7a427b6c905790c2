import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, MetricsService } from '@app/common';
import {
  CONTENT_AUTHOR_PREFIX,
  CONTENT_GENERATION_KEY,
  CONTENT_LIST_PREFIX,
  CONTENT_READ_COMMANDS,
  contentEtag,
  contentItemKey,
  contentListSuffix,
  ContentReply,
  freshContentGeneration,
} from '@app/contracts';
import { HashPrefetch } from '../access/access.decorators';
import { noneMatch, parseEntityTags } from '../plans/entity-tags.util';
import { canonicalListQuery } from './content-list-query.util';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isContentId = (id: string) => UUID.test(id);

// The item and the page scripts of @app/contracts content-cache, run in the access check's script.
export const CONTENT_ITEM_PREFETCH: HashPrefetch = {
  lua: CONTENT_READ_COMMANDS.item.lua,
  read: (request) => {
    const { id } = request.params as { id: string };
    return isContentId(id) ? { key: contentItemKey(id.toLowerCase()), args: [CONTENT_AUTHOR_PREFIX] } : null;
  },
};

export const CONTENT_LIST_PREFETCH: HashPrefetch = {
  lua: CONTENT_READ_COMMANDS.list.lua,
  read: (request) => {
    const query = canonicalListQuery(request.query as Record<string, unknown>);
    return query ? { key: CONTENT_GENERATION_KEY, args: [CONTENT_LIST_PREFIX, contentListSuffix(query), freshContentGeneration()] } : null;
  },
};

const JSON_TYPE = 'application/json; charset=utf-8';

// Writes content reads: from the prefetched cache entry (HIT, or 404 for a deleted item), or from core's reply.
@Injectable()
export class ContentCacheResponder {
  constructor(private readonly metrics: MetricsService) {}

  // The item from request.prefetched ([version, deleted, body, author version]); false on a miss.
  answerItem(request: FastifyRequest, reply: FastifyReply): boolean {
    const [version, deleted, body, authorVersion] = request.prefetched ?? [];
    if (!version) return false;
    this.metrics.cacheLookups.inc({ cache: 'content_item', result: 'hit' });
    reply.header('X-Cache', 'HIT');
    if (deleted === '1') throw new DomainError('CONTENT_NOT_FOUND', 'Content not found');
    this.sendItem(request, reply, { body: body!, etag: contentEtag(version, authorVersion!) });
    return true;
  }

  // The page from request.prefetched ([generation, body]); false on a miss.
  answerList(request: FastifyRequest, reply: FastifyReply): boolean {
    const body = request.prefetched?.[1];
    if (!body) return false;
    this.metrics.cacheLookups.inc({ cache: 'content_list', result: 'hit' });
    reply.header('X-Cache', 'HIT').status(200).header('Content-Type', JSON_TYPE).send(body);
    return true;
  }

  // Core's answer to a read: X-Cache as core saw it (HIT when a fill landed meanwhile, BYPASS without Redis).
  sendRead(kind: 'content_item' | 'content_list', request: FastifyRequest, reply: FastifyReply, read: ContentReply): void {
    const cache = read.cache ?? 'MISS';
    this.metrics.cacheLookups.inc({ cache: kind, result: cache.toLowerCase() });
    reply.header('X-Cache', cache);
    if (kind === 'content_item') this.sendItem(request, reply, read);
    else reply.status(200).header('Content-Type', JSON_TYPE).send(read.body);
  }

  // ETag, then for a read 304 when If-None-Match matches (weak comparison), else the body.
  sendItem(request: FastifyRequest, reply: FastifyReply, item: ContentReply, status = 200): void {
    reply.header('ETag', item.etag).header('Cache-Control', 'private, no-cache');
    if (request.method === 'GET' && !noneMatch(parseEntityTags(request.headers['if-none-match']), item.etag!)) {
      reply.status(304).send();
      return;
    }
    reply.status(status).header('Content-Type', JSON_TYPE).send(item.body);
  }
}
