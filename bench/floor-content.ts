import type { FastifyInstance } from 'fastify';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { canonicalListQuery } from '../apps/gateway/src/content/content-list-query.util';
import { noneMatch, parseEntityTags } from '../apps/gateway/src/plans/entity-tags.util';
import {
  CONTENT_AUTHOR_PREFIX,
  CONTENT_GENERATION_KEY,
  CONTENT_LIST_PREFIX,
  CONTENT_READ_COMMANDS,
  contentEtag,
  contentItemKey,
  contentListSuffix,
  freshContentGeneration,
} from '../libs/contracts/src/content/content-cache';
import { fail } from './floor-app.util';
import type { FloorReadAccess } from './floor-access.types';

// The floor's content reads: what the gateway's cache fast path does for GET /api/v1/content/{id} and
// GET /api/v1/content on a hit, with the same scripts, keys and query canonicalisation (the project's own modules
// from @app/contracts content-cache and the gateway's content-list-query.util), run in the access check's one
// Redis round trip; then the same headers and body. A miss is an error here (503): the floor has no core to ask,
// so a benchmark that loses the cache fails loudly.

type ContentPipeline = ChainableCommander & {
  contentItemRead(key: string, authorPrefix: string): ChainableCommander;
  contentListRead(generationKey: string, listPrefix: string, suffix: string, fresh: string): ChainableCommander;
};

const JSON_TYPE = 'application/json; charset=utf-8';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i; // the gateway's isContentId

export function registerContentReads(app: FastifyInstance, redis: Redis, access: FloorReadAccess): void {
  for (const command of Object.values(CONTENT_READ_COMMANDS)) redis.defineCommand(command.name, { numberOfKeys: command.numberOfKeys, lua: command.lua });

  // [version, deleted, body, author version] from the item script: 200 with the body, or 304 when If-None-Match
  // matches (weak comparison); a tombstone is 404.
  app.get<{ Params: { id: string } }>('/api/v1/content/:id', async (request, reply) => {
    const { id } = request.params;
    if (!UUID.test(id)) return fail(reply, 400, 'VALIDATION_ERROR');
    const granted = await access(request, reply, (pipeline) => (pipeline as ContentPipeline).contentItemRead(contentItemKey(id.toLowerCase()), CONTENT_AUTHOR_PREFIX));
    if (!granted) return reply;
    const [version, deleted, body, authorVersion] = granted.prefetched ?? [];
    if (!version) return fail(reply, 503, 'CONTENT_NOT_CACHED');
    reply.header('X-Cache', 'HIT');
    if (deleted === '1') return fail(reply, 404, 'CONTENT_NOT_FOUND');
    const etag = contentEtag(version, authorVersion!);
    reply.header('ETag', etag).header('Cache-Control', 'private, no-cache');
    if (!noneMatch(parseEntityTags(request.headers['if-none-match']), etag)) return reply.code(304).send();
    return reply.code(200).header('Content-Type', JSON_TYPE).send(body);
  });

  // [generation, page JSON or ''] from the page script (which starts a missing generation, as in the gateway).
  app.get('/api/v1/content', async (request, reply) => {
    const query = canonicalListQuery(request.query as Record<string, unknown>);
    if (!query) return fail(reply, 400, 'VALIDATION_ERROR');
    const granted = await access(request, reply, (pipeline) =>
      (pipeline as ContentPipeline).contentListRead(CONTENT_GENERATION_KEY, CONTENT_LIST_PREFIX, contentListSuffix(query), freshContentGeneration()),
    );
    if (!granted) return reply;
    const body = granted.prefetched?.[1];
    if (!body) return fail(reply, 503, 'CONTENT_PAGE_NOT_CACHED');
    return reply.code(200).header('X-Cache', 'HIT').header('Content-Type', JSON_TYPE).send(body);
  });
}
