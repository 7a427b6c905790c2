import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import { AccessClaims, bearerToken, JwtVerifier } from './jwt.verifier';

// Passport's 'jwt' strategy for the Nest routes, configured from the shared JwtVerifier: its key and options
// for passport-jwt's signature check, its claims rules as the validate step. Failures are mapped in AccessGuard.
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(private readonly verifier: JwtVerifier) {
    super({
      jwtFromRequest: (request: FastifyRequest) => bearerToken(request.headers.authorization),
      // jsonwebtoken takes the KeyObject as it is (no PEM parsing per request); the typings only list string | Buffer.
      secretOrKey: verifier.publicKey as unknown as Buffer,
      ...verifier.options,
    });
  }

  validate(payload: unknown): AccessClaims {
    return this.verifier.claims(payload);
  }
}
