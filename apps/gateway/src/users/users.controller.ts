import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError } from '@app/common';
import { Actor, Page, PATTERNS, Principal, UserView, UserWithContentsView } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody, ApiNoContent, ApiPageOf } from '../http/openapi/api-docs.decorators';
import { headerRefs } from '../http/openapi/openapi.components';
import { CurrentActor, CurrentPrincipal, RequestId } from '../http/request-id.decorator';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/users.dto';

export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () => new DomainError('VALIDATION_ERROR', 'Path parameter must be a UUID', { errors: [{ field: 'id', problems: ['must be a UUID'] }] }),
});

@ApiTags('users')
@ApiAuthenticated()
@Controller('users')
export class UsersController {
  constructor(private readonly core: CoreClient) {}

  // Served from the principal the access check loaded (normally by the cache fast path, before Nest).
  @Get('me')
  @ApiOkResponse({ type: UserView, description: 'the caller', headers: headerRefs('X-Cache') })
  me(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): UserView {
    reply.header('X-Cache', reply.request.principalCache ?? 'MISS');
    return principal.user;
  }

  @Get()
  @Roles('admin')
  @ApiPageOf(UserView)
  @ApiErrors(403)
  list(@Query() query: ListUsersQueryDto, @RequestId() requestId: string): Promise<Page<UserView>> {
    return this.core.send(PATTERNS.users.list, query, requestId);
  }

  @Post()
  @Roles('admin')
  @ApiJsonBody()
  @ApiCreatedResponse({ type: UserView })
  @ApiErrors(403, 409)
  create(@Body() body: CreateUserDto, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<UserView> {
    return this.core.send(PATTERNS.users.create, { actor, user: body }, requestId);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserWithContentsView, description: "the user with that user's content items, newest first" })
  @ApiErrors(400, 403, 404)
  get(@Param('id', uuidParam) id: string, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<UserWithContentsView> {
    return this.core.send(PATTERNS.users.get, { actor, id }, requestId);
  }

  @Put(':id')
  @ApiJsonBody()
  @ApiOkResponse({
    type: UserView,
    description:
      "updated; a role change holds from the next request. A new password ends every session of the user but the caller's own (when they changed their own): other refresh tokens are revoked and other access tokens refused",
  })
  @ApiErrors(403, 404, 409)
  update(@Param('id', uuidParam) id: string, @Body() body: UpdateUserDto, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<UserView> {
    return this.core.send(PATTERNS.users.update, { actor, id, user: body }, requestId);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContent('soft-deleted: the user can no longer log in and their tokens stop working')
  @ApiErrors(400, 403, 404)
  async remove(@Param('id', uuidParam) id: string, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<void> {
    await this.core.send(PATTERNS.users.remove, { actor, id }, requestId);
  }
}
