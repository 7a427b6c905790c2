import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PublicRoute } from '@app/common';
import { Actor, PATTERNS, TokenPair, UserView } from '@app/contracts';
import { ReadonlyMayCall } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody, ApiNoContent, ApiPublicCall } from '../http/openapi/api-docs.decorators';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { RefreshRequestDto, SignupDto, TokenPairDto, TokenRequestDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly core: CoreClient) {}

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
  token(@Body() body: TokenRequestDto, @RequestId() requestId: string): Promise<TokenPair> {
    return this.core.send(PATTERNS.auth.token, body, requestId);
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
