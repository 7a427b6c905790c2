import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError, PublicRoute } from '@app/common';
import { Actor, PATTERNS, TokenPair, UserView } from '@app/contracts';
import { ReadonlyMayCall } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody, ApiNoContent, ApiPublicCall } from '../http/openapi/api-docs.decorators';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { LoginThrottle } from './login-throttle.service';
import { RefreshRequestDto, SignupDto, TokenPairDto, TokenRequestDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly core: CoreClient,
    private readonly throttle: LoginThrottle,
  ) {}

  @Post('signup')
  @PublicRoute()
  @ApiPublicCall()
  @ApiJsonBody()
  @ApiCreatedResponse({ type: UserView, description: 'the new user (role user)' })
  @ApiErrors(409)
  signup(@Body() body: SignupDto, @RequestId() requestId: string): Promise<UserView> {
    return this.core.send(PATTERNS.auth.signup, body, requestId);
  }

  @Post('token')
  @PublicRoute()
  @HttpCode(200)
  @ApiPublicCall()
  @ApiJsonBody()
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrors(401)
  async token(@Body() body: TokenRequestDto, @RequestId() requestId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPair> {
    // A locked-out account is refused before the password is looked at: the right one is refused too.
    const lockedFor = await this.throttle.lockedForSeconds(body.username);
    if (lockedFor > 0) {
      reply.header('Retry-After', lockedFor);
      throw new DomainError('RATE_LIMITED', 'Too many failed logins for this account; retry after the time in Retry-After');
    }
    try {
      const pair = await this.core.send<TokenPair>(PATTERNS.auth.token, body, requestId);
      await this.throttle.clear(body.username);
      return pair;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INVALID_CREDENTIALS') await this.throttle.recordFailure(body.username);
      throw error;
    }
  }

  @Post('refresh')
  @PublicRoute()
  @HttpCode(200)
  @ApiPublicCall()
  @ApiJsonBody()
  @ApiOkResponse({ type: TokenPairDto, description: 'a new pair; the presented refresh token is spent' })
  @ApiErrors(401)
  refresh(@Body() body: RefreshRequestDto, @RequestId() requestId: string): Promise<TokenPair> {
    return this.core.send(PATTERNS.auth.refresh, body, requestId);
  }

  @Post('logout')
  @HttpCode(204)
  @ReadonlyMayCall()
  @ApiAuthenticated()
  @ApiJsonBody()
  @ApiNoContent('the session of that refresh token is revoked')
  async logout(@Body() body: RefreshRequestDto, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<void> {
    await this.core.send(PATTERNS.auth.logout, { refresh_token: body.refresh_token, user_id: actor.id }, requestId);
  }
}
