import { applyDecorators, Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiHeader, ApiNotModifiedResponse, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@app/common';
import { Actor, CONTENT_PATTERNS, ContentReply, ContentView } from '@app/contracts';
import { PrefetchHash, Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { CONTENT_ACCEPT_PATCH } from '../errors/http-exception.filter';
import { mediaTypeOf } from '../http/input-safety';
import { ApiAuthenticated, ApiErrors, ApiJsonBody, ApiNoContent, ApiPageOf } from '../http/openapi/api-docs.decorators';
import { ErrorEnvelopeDto } from '../http/openapi/error-envelope.dto';
import { HeaderName, headerRefs } from '../http/openapi/openapi.components';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { uuidParam } from '../users/users.controller';
import { CONTENT_ITEM_PREFETCH, CONTENT_LIST_PREFETCH, ContentCacheResponder } from './content-cache.responder';
import { ContentInputDto, ContentPatchDto, ListContentQueryDto, validatePatch } from './dto/content.dto';

const ApiContentResponse = (status: 200 | 201, description: string, ...headers: HeaderName[]) =>
  applyDecorators(
    ApiExtraModels(ContentView),
    ApiResponse({ status, description, schema: { $ref: getSchemaPath(ContentView) }, headers: headerRefs('ETag', ...headers) }),
  );

// Cached hits are normally answered by the cache fast path before reaching the reads here (see cache-fast-path.ts).
@ApiTags('content')
@ApiAuthenticated()
@Controller('content')
export class ContentController {
  constructor(
    private readonly core: CoreClient,
    private readonly responder: ContentCacheResponder,
  ) {}

  @Post()
  @Roles('user', 'admin')
  @ApiJsonBody()
  @ApiContentResponse(201, 'the stored item; its author is the caller', 'Location')
  @ApiErrors(403)
  async create(@Body() body: ContentInputDto, @CurrentActor() actor: Actor, @RequestId() requestId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const stored = await this.core.send<ContentReply>(CONTENT_PATTERNS.create, { actor, fields: body }, requestId);
    const id = (JSON.parse(stored.body) as ContentView).id;
    this.responder.sendItem(request, reply.header('Location', `/api/v1/content/${id}`), stored, 201);
  }

  @Get()
  @PrefetchHash(CONTENT_LIST_PREFETCH)
  @ApiPageOf(ContentView, 'X-Cache')
  async list(@Query() query: ListContentQueryDto, @RequestId() requestId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (this.responder.answerList(request, reply)) return;
    this.responder.sendRead('content_list', request, reply, await this.core.send<ContentReply>(CONTENT_PATTERNS.list, query, requestId));
  }

  @Get(':id')
  @PrefetchHash(CONTENT_ITEM_PREFETCH)
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETags you hold (weak comparison, or *); a match is 304' })
  @ApiContentResponse(200, 'the item', 'X-Cache', 'Cache-Control')
  @ApiNotModifiedResponse({ description: 'If-None-Match matched: no body', headers: headerRefs('ETag', 'X-Cache', 'Cache-Control') })
  @ApiErrors(400, 404)
  async get(@Param('id', uuidParam) id: string, @RequestId() requestId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (this.responder.answerItem(request, reply)) return;
    this.responder.sendRead('content_item', request, reply, await this.core.send<ContentReply>(CONTENT_PATTERNS.get, { id: id.toLowerCase() }, requestId));
  }

  @Put(':id')
  @Roles('user', 'admin')
  @ApiJsonBody()
  @ApiContentResponse(200, 'the replaced item (an absent image is removed)')
  @ApiErrors(403, 404)
  async replace(
    @Param('id', uuidParam) id: string,
    @Body() body: ContentInputDto,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const stored = await this.core.send<ContentReply>(CONTENT_PATTERNS.replace, { actor, id: id.toLowerCase(), fields: body }, requestId);
    this.responder.sendItem(request, reply, stored);
  }

  @Patch(':id')
  @Roles('user', 'admin')
  @ApiConsumes('application/merge-patch+json', 'application/json')
  @ApiBody({ type: ContentPatchDto, description: 'the fields to change (RFC 7396: image null removes the image)' })
  @ApiErrors(400, 403, 404, 413)
  @ApiResponse({ status: 415, description: `UNSUPPORTED_MEDIA_TYPE: PATCH accepts ${CONTENT_ACCEPT_PATCH}`, type: ErrorEnvelopeDto, headers: headerRefs('Accept-Patch') })
  @ApiContentResponse(200, 'the patched item')
  async patch(
    @Param('id', uuidParam) id: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const type = mediaTypeOf(contentType);
    if (type !== 'application/json' && type !== 'application/merge-patch+json') throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `PATCH accepts ${CONTENT_ACCEPT_PATCH}`);
    const fields = validatePatch(body);
    const stored = await this.core.send<ContentReply>(CONTENT_PATTERNS.patch, { actor, id: id.toLowerCase(), fields }, requestId);
    this.responder.sendItem(request, reply, stored);
  }

  @Delete(':id')
  @Roles('user', 'admin')
  @HttpCode(204)
  @ApiNoContent('the item is gone')
  @ApiErrors(400, 403, 404)
  async remove(@Param('id', uuidParam) id: string, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<void> {
    await this.core.send(CONTENT_PATTERNS.remove, { actor, id: id.toLowerCase() }, requestId);
  }
}
