import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { Algorithm, TokenExpiredError, verify as verifySignature } from 'jsonwebtoken';
import { DomainError, JwtKeys } from '@app/common';
import { ACCESS_TOKEN_AUDIENCE, Role, ROLES } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

export const GATEWAY_JWT_KEYS = Symbol('GATEWAY_JWT_KEYS');

export interface AccessClaims {
  sub: string;
  role: Role;
  // The session (refresh token family) and the user's token_version at issue; null and 0 in tokens issued before
  // core wrote them. See principalRefusal.
  sid: string | null;
  tv: number;
}

export interface AccessTokenOptions {
  algorithms: Algorithm[];
  issuer: string;
  audience: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)$/i;

// The one set of access-token rules. The cache fast path calls `verify`; the passport strategy hands
// `publicKey` and `options` to passport-jwt (which runs this same jsonwebtoken check) and `claims` as its
// validate step, so both paths accept and refuse exactly the same tokens (jwt.verifier.spec runs every case
// through both). RS256 only, so `alg: none` and HMAC-with-the-public-key tricks fail.
@Injectable()
export class JwtVerifier {
  readonly publicKey: KeyObject;
  readonly options: Readonly<AccessTokenOptions>;

  constructor(@Inject(GATEWAY_JWT_KEYS) keys: JwtKeys, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.publicKey = keys.publicKey;
    this.options = Object.freeze<AccessTokenOptions>({ algorithms: ['RS256'], issuer: config.JWT_ISSUER, audience: ACCESS_TOKEN_AUDIENCE });
  }

  // Signature, algorithm, issuer, audience, expiry, then the claims; throws INVALID_TOKEN or TOKEN_EXPIRED.
  verify(token: string): AccessClaims {
    let payload: unknown;
    try {
      payload = verifySignature(token, this.publicKey, this.options);
    } catch (error) {
      throw accessTokenError(error);
    }
    return this.claims(payload);
  }

  // The claims a signed token must carry: sub (a user id), a known role, exp and iat; sid (a UUID) and tv (an
  // integer >= 0) when present.
  claims(payload: unknown): AccessClaims {
    const { sub, role, exp, iat, sid, tv } = (payload ?? {}) as Record<string, unknown>;
    if (typeof sub !== 'string' || !UUID.test(sub) || !ROLES.includes(role as Role) || typeof exp !== 'number' || typeof iat !== 'number') {
      throw new DomainError('INVALID_TOKEN', 'Access token is invalid');
    }
    if ((sid !== undefined && (typeof sid !== 'string' || !UUID.test(sid))) || (tv !== undefined && (!Number.isSafeInteger(tv) || (tv as number) < 0))) {
      throw new DomainError('INVALID_TOKEN', 'Access token is invalid');
    }
    return { sub, role: role as Role, sid: sid ?? null, tv: (tv as number | undefined) ?? 0 };
  }
}

// Maps what the token check (ours or passport-jwt's) rejected with to the contract's codes.
export function accessTokenError(cause: unknown): DomainError {
  if (cause instanceof DomainError) return cause;
  if (cause instanceof TokenExpiredError) return new DomainError('TOKEN_EXPIRED', 'Access token has expired');
  return new DomainError('INVALID_TOKEN', 'Access token is invalid');
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = BEARER.exec(header.trim());
  return match ? match[1] : null;
}

// Why a request without a usable bearer token is refused: none sent, or a header that is not "Bearer <jwt>".
export function missingTokenError(header: string | undefined): DomainError {
  return header
    ? new DomainError('INVALID_TOKEN', 'Authorization header must be "Bearer <token>"')
    : new DomainError('UNAUTHORIZED', 'A bearer access token is required');
}
