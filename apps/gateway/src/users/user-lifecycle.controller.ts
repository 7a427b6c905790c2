import { Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, ExportPageReply, PATTERNS, Principal, UserExportDocument } from '@app/contracts';
import { ReadonlyMayCall, Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiNoContent } from '../http/openapi/api-docs.decorators';
import { CurrentActor, CurrentPrincipal, RequestId } from '../http/request-id.decorator';
import { uuidParam } from './users.controller';
import { userExportStream } from './user-export.stream';

// The data lifecycle routes: closing one's own account, the export (data portability) and erasure.
@ApiTags('users')
@ApiAuthenticated()
@Controller()
export class UserLifecycleController {
  constructor(private readonly core: CoreClient) {}

  @Delete('users/me')
  @Roles('user', 'readonly')
  @ReadonlyMayCall()
  @HttpCode(204)
  @ApiNoContent('account closed: soft-deleted now (no login, tokens stop working), erased after USER_ERASURE_GRACE')
  @ApiErrors(403)
  async closeAccount(@CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<void> {
    await this.core.send(PATTERNS.users.closeAccount, { actor }, requestId);
  }

  // Streamed: see userExportStream. A failure after the first bytes ends the connection early (invalid JSON).
  @Get('users/me/export')
  @ApiOkResponse({ type: UserExportDocument, description: 'everything the platform holds about the caller, streamed as one JSON document' })
  async export(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string, @Res() reply: FastifyReply): Promise<void> {
    const stream = await userExportStream(principal.user, (payload) => this.core.send<ExportPageReply>(PATTERNS.users.exportPage, payload, requestId));
    await reply.header('Content-Type', 'application/json; charset=utf-8').header('Cache-Control', 'no-store').send(stream);
  }

  @Post('admin/users/:id/erase')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContent("erased: the soft-deleted user's personal data is removed or anonymised everywhere (idempotent)")
  @ApiErrors(400, 403, 404, 409)
  async erase(@Param('id', uuidParam) id: string, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<void> {
    await this.core.send(PATTERNS.users.erase, { actor, id }, requestId);
  }
}
