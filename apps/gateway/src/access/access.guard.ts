import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, IAuthModuleOptions } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE, SKIP_RATE_LIMIT } from '@app/common';
import { Role } from '@app/contracts';
import { HashPrefetch, PREFETCH_HASH, READONLY_MAY_WRITE, ROLES_KEY } from './access.decorators';
import { AccessService } from './access.service';
import { accessTokenError, bearerToken, missingTokenError } from './jwt.verifier';

const AUTHENTICATE_OPTIONS: IAuthModuleOptions = { session: false, property: 'accessClaims' };

// Applies each route's access metadata (public, roles, readonly writes, prefetch). The token is checked by
// passport's 'jwt' strategy (JwtStrategy); counting and the principal go through AccessService, like the cache
// fast path. A request the fast path already authenticated is neither checked nor counted again.
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const targets = [context.getHandler(), context.getClass()];

    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      if (!this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) await this.access.limitAnonymous(request, reply);
      return true;
    }
    let principal = request.principal;
    if (!principal) {
      // AuthGuard's canActivate is async: passport's verdict lands in handleRequest, the claims on request.accessClaims.
      await (super.canActivate(context) as Promise<boolean>).catch((refusal: unknown) => this.access.refuse(request, reply, refusal));
      principal = await this.access.admit(request, reply, request.accessClaims!, this.reflector.get<HashPrefetch>(PREFETCH_HASH, context.getHandler()));
    }
    this.access.authorize(principal, request.method, {
      roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
      readonlyMayWrite: this.reflector.getAllAndOverride<boolean>(READONLY_MAY_WRITE, targets),
    });
    return true;
  }

  override getAuthenticateOptions(): IAuthModuleOptions {
    return AUTHENTICATE_OPTIONS;
  }

  // Passport's outcome. A failure (no token, or passport-jwt's jsonwebtoken error as `info`) becomes the
  // contract's DomainError, so the filter answers 401 with WWW-Authenticate: Bearer. An error is the claims
  // check's DomainError, or something unexpected that must stay a 500 rather than pass for a bad token.
  override handleRequest<TClaims>(error: unknown, claims: TClaims | false, info: unknown, context: ExecutionContext): TClaims {
    if (error) throw error instanceof Error ? error : new Error('the jwt strategy failed', { cause: error });
    if (claims) return claims;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    throw bearerToken(header) ? accessTokenError(info) : missingTokenError(header);
  }
}
