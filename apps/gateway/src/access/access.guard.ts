import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE, SKIP_RATE_LIMIT } from '@app/common';
import { Role } from '@app/contracts';
import { HashPrefetch, PREFETCH_HASH, READONLY_MAY_WRITE, ROLES_KEY } from './access.decorators';
import { AccessService } from './access.service';

// Applies each route's access metadata (public, roles, readonly writes, prefetch) through AccessService.
// A request the cache fast path already authenticated is not counted again.
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const targets = [context.getHandler(), context.getClass()];

    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      if (!this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets)) await this.access.limitAnonymous(request, reply);
      return true;
    }
    const principal =
      request.principal ?? (await this.access.authenticate(request, reply, this.reflector.get<HashPrefetch>(PREFETCH_HASH, context.getHandler())));
    this.access.authorize(principal, request.method, {
      roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
      readonlyMayWrite: this.reflector.getAllAndOverride<boolean>(READONLY_MAY_WRITE, targets),
    });
    return true;
  }
}
