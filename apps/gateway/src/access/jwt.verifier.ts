import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify } from 'jose';
import { DomainError, JwtKeys } from '@app/common';
import { ACCESS_TOKEN_AUDIENCE, ROLES } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

export const GATEWAY_JWT_KEYS = Symbol('GATEWAY_JWT_KEYS');

export interface AccessClaims {
  sub: string;
  role: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// RS256 only (so `alg: none` and HMAC tricks fail), with issuer, audience and expiry checked.
@Injectable()
export class JwtVerifier {
  constructor(
    @Inject(GATEWAY_JWT_KEYS) private readonly keys: JwtKeys,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.keys.publicKey, {
        algorithms: ['RS256'],
        issuer: this.config.JWT_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub) || !ROLES.includes(payload.role as never)) {
        throw new DomainError('INVALID_TOKEN', 'Access token is invalid');
      }
      return { sub: payload.sub, role: payload.role as string };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof errors.JWTExpired) throw new DomainError('TOKEN_EXPIRED', 'Access token has expired');
      throw new DomainError('INVALID_TOKEN', 'Access token is invalid');
    }
  }
}
