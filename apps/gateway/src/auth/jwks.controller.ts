import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { JwtKeys, PublicRoute, SkipRateLimit } from '@app/common';
import { GATEWAY_JWT_KEYS } from '../access/jwt.verifier';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(@Inject(GATEWAY_JWT_KEYS) private readonly keys: JwtKeys) {}

  @Get('jwks.json')
  @PublicRoute()
  @SkipRateLimit()
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    return { keys: [this.keys.jwk] };
  }
}
