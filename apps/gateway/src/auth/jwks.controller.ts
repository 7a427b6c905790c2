import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JwtKeys, PublicRoute, SkipRateLimit } from '@app/common';
import { GATEWAY_JWT_KEYS } from '../access/jwt.verifier';
import { headerRefs } from '../http/openapi/openapi.components';
import { JwksDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(GATEWAY_JWT_KEYS) private readonly keys: JwtKeys) {}

  @Get('jwks.json')
  @PublicRoute()
  @SkipRateLimit()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ type: JwksDto, description: 'the public keys of the RS256 access tokens', headers: headerRefs('Cache-Control') })
  jwks() {
    return { keys: [this.keys.jwk] };
  }
}
