import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { DomainError, MetricsService, principalKey, REDIS } from '@app/common';
import { PATTERNS, Principal, Role } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { CoreClient } from '../core-client/core.client';
import { decide, queueRateLimit } from '../rate-limit/rate-limiter';
import { HashPrefetch } from './access.decorators';
import { JwtVerifier } from './jwt.verifier';

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    principalCache?: CacheStatus;
    // Values of a prefetched hash's fields; undefined when Redis could not be read.
    prefetched?: Array<string | null>;
    // Set once the caller is authenticated and counted, so a request is never checked or counted twice.
    accessChecked?: boolean;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

export interface AccessPolicy {
  roles?: Role[];
  readonlyMayWrite?: boolean;
}

// Authentication, rate limiting and roles, shared by the Nest guard and the cache fast path. The hot path is
// one signature check and one Redis round trip (rate-limit counter + cached principal + any prefetched hash);
// core is asked only when the principal is not cached.
@Injectable()
export class AccessService {
  private readonly logger = new Logger(AccessService.name);

  constructor(
    private readonly jwt: JwtVerifier,
    private readonly core: CoreClient,
    private readonly metrics: MetricsService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  // Verifies the bearer token, counts the request against the user's limit and loads the principal.
  async authenticate(request: FastifyRequest, reply: FastifyReply, prefetch?: HashPrefetch): Promise<Principal> {
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
      const pipeline = queueRateLimit(this.redis.pipeline(), `user:${claims.sub}`).get(principalKey(claims.sub));
      if (prefetch) pipeline.hmget(prefetch.key(request.params as Record<string, string>), ...prefetch.fields);
      const [[limitError, counter], [getError, raw], prefetched] = (await pipeline.exec()) as [
        [Error | null, [number, number]],
        [Error | null, string | null],
        [Error | null, Array<string | null>] | undefined,
      ];
      if (limitError) throw limitError;
      request.accessChecked = true;
      this.applyLimit(reply, this.config.RATE_LIMIT_USER_PER_HOUR, counter);
      if (getError) throw getError;
      cached = raw ? (JSON.parse(raw) as Principal) : null;
      cache = cached ? 'HIT' : 'MISS';
      if (prefetched && !prefetched[0]) request.prefetched = prefetched[1];
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // Fail open on the limiter: a cache outage must not take the API down. The outage shows on /health/ready.
      this.logger.warn(`Redis unavailable, authorizing from core: ${(error as Error).message}`);
    }
    request.accessChecked = true;
    this.metrics.cacheLookups.inc({ cache: 'principal', result: cache.toLowerCase() });
    const principal = cached ?? (await this.fetchPrincipal(claims.sub, request.id));
    if (principal.deleted) throw new DomainError('INVALID_TOKEN', 'The user of this token no longer exists');
    request.principal = principal;
    request.principalCache = cache;
    return principal;
  }

  authorize(principal: Principal, method: string, policy: AccessPolicy): void {
    const role = principal.user.role;
    if (policy.roles && !policy.roles.includes(role)) throw new DomainError('FORBIDDEN', 'Your role may not do this');
    if (role === 'readonly' && !READ_METHODS.has(method) && !policy.readonlyMayWrite) {
      throw new DomainError('FORBIDDEN', 'The readonly role may only read');
    }
  }

  async limitAnonymous(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.accessChecked) return;
    let counter: [number, number];
    try {
      const [[error, result]] = (await queueRateLimit(this.redis.pipeline(), `ip:${request.ip}`).exec()) as [[Error | null, [number, number]]];
      if (error) throw error;
      counter = result;
    } catch (error) {
      this.logger.warn(`rate limiter unavailable: ${(error as Error).message}`);
      return;
    }
    request.accessChecked = true;
    this.applyLimit(reply, this.config.RATE_LIMIT_ANON_PER_HOUR, counter);
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
