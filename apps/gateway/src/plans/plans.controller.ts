import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, MetricsService } from '@app/common';
import {
  Actor,
  Page,
  PLAN_CACHE_FIELDS,
  PLAN_ID_PATTERN,
  PLAN_PATTERNS,
  planCacheKey,
  PlanListItem,
  PlanRecord,
} from '@app/contracts';
import { PrefetchHash } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ACCEPT_PATCH } from '../errors/http-exception.filter';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { ListPlansQueryDto, SearchPlansQueryDto } from './dto/plans-query.dto';
import { noneMatch, parseEntityTags, strongTags } from './entity-tags.util';

const JSON_TYPE = 'application/json; charset=utf-8';

function planId(id: string): string {
  if (!PLAN_ID_PATTERN.test(id)) {
    throw new DomainError('VALIDATION_ERROR', 'Plan id is invalid', { errors: [{ field: 'id', problems: ['must match ^[A-Za-z0-9._-]{1,128}$'] }] });
  }
  return id;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function requireIfMatch(header: string | undefined) {
  const condition = parseEntityTags(header);
  if (!condition) throw new DomainError('PRECONDITION_REQUIRED', 'This request must carry If-Match with the current ETag');
  return strongTags(condition);
}

@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlansController {
  constructor(
    private readonly core: CoreClient,
    private readonly metrics: MetricsService,
  ) {}

  @Post()
  @ApiBody({ description: 'a plan document (see plan.schema.json)', schema: { type: 'object' } })
  async create(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.assertJson(contentType);
    const record = await this.core.send<PlanRecord>(PLAN_PATTERNS.create, { actor, document: body }, requestId);
    reply.header('Location', `/api/v1/plans/${encodeURIComponent(record.document.objectId)}`);
    this.sendRecord(reply.status(201), record);
  }

  @Get()
  list(@Query() query: ListPlansQueryDto, @RequestId() requestId: string): Promise<Page<PlanListItem>> {
    return this.core.send(PLAN_PATTERNS.list, query, requestId);
  }

  @Get('search')
  search(@Query() query: SearchPlansQueryDto, @RequestId() requestId: string): Promise<Page<PlanListItem>> {
    return this.core.send(PLAN_PATTERNS.search, query, requestId);
  }

  // Cache hit: answered from the hash read together with the access check, no RPC (200, 304 or 404).
  @Get(':id')
  @PrefetchHash({ key: (params) => planCacheKey(params.id), fields: PLAN_CACHE_FIELDS })
  @ApiHeader({ name: 'If-None-Match', required: false })
  async get(@Param('id') id: string, @Req() request: FastifyRequest, @RequestId() requestId: string, @Res() reply: FastifyReply): Promise<void> {
    planId(id);
    const ifNoneMatch = parseEntityTags(request.headers['if-none-match']);
    const [version, etag, modified, body, deleted] = request.prefetched ?? [];
    if (version) {
      this.metrics.cacheLookups.inc({ cache: 'plan', result: 'hit' });
      reply.header('X-Cache', 'HIT');
      if (deleted === '1') throw new DomainError('NOT_FOUND', 'Plan not found');
      return this.sendPlan(reply, etag!, modified!, body!, ifNoneMatch);
    }
    const cache = request.prefetched ? 'MISS' : 'BYPASS';
    this.metrics.cacheLookups.inc({ cache: 'plan', result: cache.toLowerCase() });
    reply.header('X-Cache', cache);
    const record = await this.core.send<PlanRecord>(PLAN_PATTERNS.get, { id }, requestId);
    this.sendPlan(reply, record.etag, new Date(record.metadata.updated_at).toUTCString(), JSON.stringify(record.document), ifNoneMatch);
  }

  @Put(':id')
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiBody({ description: 'the whole plan document', schema: { type: 'object' } })
  async replace(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.assertJson(contentType);
    const precondition = requireIfMatch(ifMatch);
    const record = await this.core.send<PlanRecord>(PLAN_PATTERNS.replace, { actor, id: planId(id), document: body, if_match: precondition }, requestId);
    this.sendRecord(reply.status(200), record);
  }

  @Patch(':id')
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiConsumes('application/merge-patch+json', 'application/json-patch+json', 'application/json')
  @ApiBody({ description: 'RFC 7396 merge patch (objectId-aware arrays) or RFC 6902 JSON Patch', schema: {} })
  async patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const type = mediaType(contentType);
    const kind = type === 'application/json-patch+json' ? 'json-patch' : type === 'application/merge-patch+json' || type === 'application/json' ? 'merge' : null;
    if (!kind) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `PATCH accepts ${ACCEPT_PATCH}`);
    const precondition = requireIfMatch(ifMatch);
    const record = await this.core.send<PlanRecord>(PLAN_PATTERNS.patch, { actor, id: planId(id), kind, patch: body, if_match: precondition }, requestId);
    this.sendRecord(reply.status(200), record);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiHeader({ name: 'If-Match', required: false })
  async remove(
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
  ): Promise<void> {
    const condition = parseEntityTags(ifMatch);
    await this.core.send(PLAN_PATTERNS.remove, { actor, id: planId(id), ...(condition ? { if_match: strongTags(condition) } : {}) }, requestId);
  }

  private assertJson(contentType: string | undefined): void {
    if (mediaType(contentType) !== 'application/json') throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }

  private sendRecord(reply: FastifyReply, record: PlanRecord): void {
    reply
      .header('ETag', record.etag)
      .header('Last-Modified', new Date(record.metadata.updated_at).toUTCString())
      .header('Content-Type', JSON_TYPE)
      .send(JSON.stringify(record.document));
  }

  private sendPlan(reply: FastifyReply, etag: string, modified: string, body: string, ifNoneMatch: ReturnType<typeof parseEntityTags>): void {
    reply.header('ETag', etag).header('Last-Modified', modified).header('Cache-Control', 'private, no-cache');
    if (!noneMatch(ifNoneMatch, etag)) {
      reply.status(304).send();
      return;
    }
    reply.status(200).header('Content-Type', JSON_TYPE).send(body);
  }
}
