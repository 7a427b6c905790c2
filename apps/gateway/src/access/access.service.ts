import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { DomainError, isUsablePrincipal, MetricsService, OutageLog, PendingPrincipal, REDIS } from '@app/common';
import { PATTERNS, Principal, Role } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';
import { CoreClient } from '../core-client/core.client';
import { decide, queueRateLimit } from '../rate-limit/rate-limiter';
import { AccessReader } from './access-read.script';
import { HashPrefetch } from './access.decorators';
import { AccessClaims, bearerToken, JwtVerifier, missingTokenError } from './jwt.verifier';
import { principalRefusal } from './principal-admission.util';

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    principalCache?: CacheStatus;
    // The verified token's claims, set by passport (AccessGuard) on the Nest route path.
    accessClaims?: AccessClaims;
    // Values of a prefetched hash's fields; undefined when Redis could not be read.
    prefetched?: Array<string | null>;
    // Set once the caller is authenticated and counted, so a request is never checked or counted twice.
    accessChecked?: boolean;
    // The access token's session (refresh token family), null for tokens without one.
    session?: string | null;
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
  private readonly redisOutage: OutageLog;
  private readonly reader: AccessReader;

  constructor(
    private readonly jwt: JwtVerifier,
    private readonly core: CoreClient,
    private readonly metrics: MetricsService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.redisOutage = metrics.outage('redis');
    this.reader = new AccessReader(redis);
  }

  // The cache fast path's check: the bearer token through the shared verifier (no passport machinery on the hot
  // path), then the same admission as the Nest guard. A refused token is counted against the anonymous limit.
  // Not async itself: on the hot path the only promise is admit's.
  authenticate(request: FastifyRequest, reply: FastifyReply, prefetch?: HashPrefetch): Promise<Principal> {
    // Already admitted before its body was read (countBeforeBody): not checked or counted again.
    if (request.principal) return Promise.resolve(request.principal);
    const header = request.headers.authorization;
    let claims: AccessClaims;
    try {
      const token = bearerToken(header);
      if (!token) throw missingTokenError(header);
      claims = this.jwt.verify(token);
    } catch (error) {
      return this.refuse(request, reply, error);
    }
    return this.admit(request, reply, claims, prefetch);
  }

  // A request with a body is counted before the body is read, so one refused for its body (400, 413, 415) counts
  // like any other and a spent limit is answered 429 unparsed. A verified token is admitted as the route would
  // (user limit, principal); anything else counts against the anonymous per-IP limit, and the route refuses it
  // later as before (refuse() then does not count it again).
  async countBeforeBody(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.accessChecked) return;
    let claims: AccessClaims | undefined;
    try {
      const token = bearerToken(request.headers.authorization);
      claims = token ? this.jwt.verify(token) : undefined;
    } catch {
      claims = undefined;
    }
    if (claims) await this.admit(request, reply, claims);
    else await this.limitAnonymous(request, reply);
  }

  // Counts a request whose token was refused against the anonymous limit, then rejects with the refusal (or with
  // RATE_LIMITED when that limit is spent).
  async refuse(request: FastifyRequest, reply: FastifyReply, refusal: unknown): Promise<never> {
    await this.limitAnonymous(request, reply);
    throw refusal;
  }

  // For verified claims: counts the request against the user's limit and loads the principal (and any prefetched
  // hash) in one Redis command (AccessReader).
  async admit(request: FastifyRequest, reply: FastifyReply, claims: AccessClaims, prefetch?: HashPrefetch): Promise<Principal> {
    let cached: Principal | null = null;
    let cache: CacheStatus = 'BYPASS';
    try {
      const [count, ttl, raw, prefetched] = await this.reader.read(request, claims.sub, prefetch);
      request.accessChecked = true;
      this.applyLimit(reply, this.config.RATE_LIMIT_USER_PER_HOUR, [count, ttl]);
      // A pending marker (a change to this user is being committed) is a miss: core answers from Postgres.
      const entry = raw ? (JSON.parse(raw) as Principal | PendingPrincipal) : null;
      cached = isUsablePrincipal(entry) ? entry : null;
      cache = cached ? 'HIT' : 'MISS';
      if (prefetched !== undefined) request.prefetched = Array.isArray(prefetched) ? prefetched : [prefetched];
      this.redisOutage.recovered();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // Fail open on the limiter: a cache outage must not take the API down. The outage shows on /health/ready,
      // and is logged once when it starts and once when it ends (not once per request).
      this.redisOutage.failed('authorize', error);
    }
    request.accessChecked = true;
    this.metrics.cacheLookups.inc({ cache: 'principal', result: cache.toLowerCase() });
    const principal = cached ?? (await this.fetchPrincipal(claims.sub, request.id));
    const refusal = principalRefusal(principal, claims);
    if (refusal) throw new DomainError('INVALID_TOKEN', refusal);
    request.principal = principal;
    request.session = claims.sid;
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
      this.redisOutage.recovered();
    } catch (error) {
      this.redisOutage.failed('rate-limit', error);
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
