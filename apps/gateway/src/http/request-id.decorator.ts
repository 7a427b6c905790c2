import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@app/common';
import { Actor, Principal } from '@app/contracts';

export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest>().id);

// The authenticated caller as core sees it: id and current role (from the principal, not the token).
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  if (!principal) throw new DomainError('UNAUTHORIZED', 'A bearer access token is required');
  return { id: principal.user.id, role: principal.user.role, session: request.session ?? null };
});

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().principal;
});
