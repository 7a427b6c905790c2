import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiNotModifiedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, MetricsService } from '@app/common';
import { Actor, Page, PLAN_ID_PATTERN, PLAN_PATTERNS, PlanListItem, PlanRecord } from '@app/contracts';
import { PrefetchHash } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ACCEPT_PATCH } from '../errors/http-exception.filter';
import { mediaTypeOf } from '../http/input-safety';
import { ApiAuthenticated, ApiErrors, ApiIfMatch, ApiJsonBody, ApiNoContent, ApiPageOf, ApiPlanPatchBody, ApiPlanResponse } from '../http/openapi/api-docs.decorators';
import { headerRefs, PLAN_REF } from '../http/openapi/openapi.components';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { PlanListItemDto } from './dto/plan-views.dto';
import { ListPlansQueryDto, SearchPlansQueryDto } from './dto/plans-query.dto';
import { parseEntityTags, strongTags } from './entity-tags.util';
import { PLAN_PREFETCH, PlanCacheResponder } from './plan-cache.responder';

const JSON_TYPE = 'application/json; charset=utf-8';

function planId(id: string): string {
  if (!PLAN_ID_PATTERN.test(id)) {
    throw new DomainError('VALIDATION_ERROR', 'Plan id is invalid', { errors: [{ field: 'id', problems: ['must match ^[A-Za-z0-9._-]{1,128}$'] }] });
  }
  return id;
}

function requireIfMatch(header: string | undefined) {
  const condition = parseEntityTags(header);
  if (!condition) throw new DomainError('PRECONDITION_REQUIRED', 'This request must carry If-Match with the current ETag');
  return strongTags(condition);
}

@ApiTags('plans')
@ApiAuthenticated()
@Controller('plans')
export class PlansController {
  constructor(
    private readonly core: CoreClient,
    private readonly metrics: MetricsService,
    private readonly responder: PlanCacheResponder,
  ) {}

  @Post()
  @ApiJsonBody(PLAN_REF)
  @ApiPlanResponse(201, 'the stored plan', 'Location')
  @ApiErrors(403, 409)
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
  @ApiPageOf(PlanListItemDto)
  list(@Query() query: ListPlansQueryDto, @RequestId() requestId: string): Promise<Page<PlanListItem>> {
    return this.core.send(PLAN_PATTERNS.list, query, requestId);
  }

  @Get('search')
  @ApiPageOf(PlanListItemDto)
  search(@Query() query: SearchPlansQueryDto, @RequestId() requestId: string): Promise<Page<PlanListItem>> {
    return this.core.send(PLAN_PATTERNS.search, query, requestId);
  }

  // A cache hit is normally answered by the fast path before reaching here; this is the miss (or bypass) path.
  @Get(':id')
  @PrefetchHash(PLAN_PREFETCH)
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETags you hold (weak comparison, or *); a match is 304' })
  @ApiPlanResponse(200, 'the plan', 'X-Cache', 'Cache-Control')
  @ApiNotModifiedResponse({ description: 'If-None-Match matched: no body', headers: headerRefs('ETag', 'Last-Modified', 'X-Cache', 'Cache-Control') })
  @ApiErrors(400, 404)
  async get(@Param('id') id: string, @Req() request: FastifyRequest, @RequestId() requestId: string, @Res() reply: FastifyReply): Promise<void> {
    planId(id);
    if (this.responder.answerFromCache(request, reply)) return;
    const cache = request.prefetched ? 'MISS' : 'BYPASS';
    this.metrics.cacheLookups.inc({ cache: 'plan', result: cache.toLowerCase() });
    reply.header('X-Cache', cache);
    const record = await this.core.send<PlanRecord>(PLAN_PATTERNS.get, { id }, requestId);
    this.responder.send(request, reply, record.etag, new Date(record.metadata.updated_at).toUTCString(), JSON.stringify(record.document));
  }

  @Put(':id')
  @ApiIfMatch(true)
  @ApiJsonBody(PLAN_REF)
  @ApiPlanResponse(200, 'the stored plan')
  @ApiErrors(403, 404, 412, 428)
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
  @ApiIfMatch(true)
  @ApiPlanPatchBody()
  @ApiPlanResponse(200, 'the patched plan')
  @ApiErrors(403, 404, 409, 412, 422, 428)
  async patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const type = mediaTypeOf(contentType);
    const kind = type === 'application/json-patch+json' ? 'json-patch' : type === 'application/merge-patch+json' || type === 'application/json' ? 'merge' : null;
    if (!kind) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `PATCH accepts ${ACCEPT_PATCH}`);
    const precondition = requireIfMatch(ifMatch);
    const record = await this.core.send<PlanRecord>(PLAN_PATTERNS.patch, { actor, id: planId(id), kind, patch: body, if_match: precondition }, requestId);
    this.sendRecord(reply.status(200), record);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatch(false)
  @ApiNoContent('the plan and every nested object are gone')
  @ApiErrors(400, 403, 404, 412)
  async remove(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<void> {
    const condition = parseEntityTags(ifMatch);
    await this.core.send(PLAN_PATTERNS.remove, { actor, id: planId(id), ...(condition ? { if_match: strongTags(condition) } : {}) }, requestId);
  }

  private assertJson(contentType: string | undefined): void {
    if (mediaTypeOf(contentType) !== 'application/json') throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
  }

  private sendRecord(reply: FastifyReply, record: PlanRecord): void {
    reply
      .header('ETag', record.etag)
      .header('Last-Modified', new Date(record.metadata.updated_at).toUTCString())
      .header('Content-Type', JSON_TYPE)
      .send(JSON.stringify(record.document));
  }
}
