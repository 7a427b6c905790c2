import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { DomainError, MetricsService, principalKey, PUBLIC_ROUTE, REDIS, SKIP_RATE_LIMIT } from '@app/common';
import { PATTERNS, Principal, Role } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { CoreClient } from '../core-client/core.client';
import { decide, queueRateLimit } from '../rate-limit/rate-limiter';
import { HashPrefetch, PREFETCH_HASH, READONLY_MAY_WRITE, ROLES_KEY } from './access.decorators';
import { JwtVerifier } from './jwt.verifier';

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    principalCache?: CacheStatus;
    // Values of a @PrefetchHash route's hash fields; undefined when Redis could not be read.
    prefetched?: Array<string | null>;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

// Authentication, rate limiting and role checks for every route. The hot path is one signature check and
// one Redis round trip (rate-limit counter + cached principal); core is asked only on a cache miss.
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtVerifier,
    private readonly core: CoreClient,
    private readonly metrics: MetricsService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const targets = [context.getHandler(), context.getClass()];
    const limited = !this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, targets);

    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      if (limited) await this.limitAnonymous(request, reply);
      return true;
    }
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      await this.limitAnonymous(request, reply);
      throw new DomainError('UNAUTHORIZED', 'A bearer access token is required');
    }
    const claims = await this.jwt.verify(token).catch(async (error) => {
      await this.limitAnonymous(request, reply);
      throw error;
    });

    let cached: Principal | null = null;
    let cache: CacheStatus = 'BYPASS';
    try {
      const prefetch = this.reflector.get<HashPrefetch | undefined>(PREFETCH_HASH, context.getHandler());
      const pipeline = queueRateLimit(this.redis.pipeline(), `user:${claims.sub}`).get(principalKey(claims.sub));
      if (prefetch) pipeline.hmget(prefetch.key(request.params as Record<string, string>), ...prefetch.fields);
      const results = await pipeline.exec();
      const [[limitError, counter], [getError, raw], prefetched] = results as [
        [Error | null, [number, number]],
        [Error | null, string | null],
        [Error | null, Array<string | null>] | undefined,
      ];
      if (limitError) throw limitError;
      this.applyLimit(reply, this.config.RATE_LIMIT_USER_PER_HOUR, counter);
      if (getError) throw getError;
      cached = raw ? (JSON.parse(raw) as Principal) : null;
      cache = cached ? 'HIT' : 'MISS';
      if (prefetched && !prefetched[0]) request.prefetched = prefetched[1];
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.warn(`Redis unavailable, authorizing from core: ${(error as Error).message}`);
    }
    this.metrics.cacheLookups.inc({ cache: 'principal', result: cache.toLowerCase() });
    const principal = cached ?? (await this.fetchPrincipal(claims.sub, request.id));
    if (principal.deleted) throw new DomainError('INVALID_TOKEN', 'The user of this token no longer exists');

    this.authorize(principal.user.role, request.method, targets);
    request.principal = principal;
    request.principalCache = cache;
    return true;
  }

  private authorize(role: Role, method: string, targets: Parameters<Reflector['getAllAndOverride']>[1]): void {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(role)) throw new DomainError('FORBIDDEN', 'Your role may not do this');
    if (role === 'readonly' && !READ_METHODS.has(method) && !this.reflector.getAllAndOverride<boolean>(READONLY_MAY_WRITE, targets)) {
      throw new DomainError('FORBIDDEN', 'The readonly role may only read');
    }
  }

  private async fetchPrincipal(userId: string, requestId: string): Promise<Principal> {
    try {
      return await this.core.send<Principal>(PATTERNS.users.principal, { user_id: userId }, requestId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        throw new DomainError('INVALID_TOKEN', 'The user of this token no longer exists');
      }
      throw error;
    }
  }

  private async limitAnonymous(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    let counter: [number, number];
    try {
      const [[error, result]] = (await queueRateLimit(this.redis.pipeline(), `ip:${request.ip}`).exec()) as [[Error | null, [number, number]]];
      if (error) throw error;
      counter = result;
    } catch (error) {
      // Fail open: a cache outage must not take the API down. The outage shows on /health/ready.
      this.logger.warn(`rate limiter unavailable: ${(error as Error).message}`);
      return;
    }
    this.applyLimit(reply, this.config.RATE_LIMIT_ANON_PER_HOUR, counter);
  }

  private applyLimit(reply: FastifyReply, limit: number, [count, ttlMs]: [number, number]): void {
    const decision = decide(limit, count, ttlMs, Date.now());
    reply.header('X-RateLimit-Limit', decision.limit);
    reply.header('X-RateLimit-Remaining', decision.remaining);
    reply.header('X-RateLimit-Reset', decision.resetEpochSeconds);
    if (!decision.allowed) {
      reply.header('Retry-After', decision.retryAfterSeconds);
      throw new DomainError('RATE_LIMITED', 'Too many requests; retry after the time in Retry-After');
    }
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/i.exec(header.trim());
  if (!match) throw new DomainError('INVALID_TOKEN', 'Authorization header must be "Bearer <token>"');
  return match[1];
}
