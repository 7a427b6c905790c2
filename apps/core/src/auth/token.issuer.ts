import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { EntityManager } from 'typeorm';
import { JwtKeys } from '@app/common';
import { ACCESS_TOKEN_AUDIENCE, TokenPair } from '@app/contracts';
import { RefreshTokensRepository, UserEntity } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

export const JWT_KEYS = Symbol('JWT_KEYS');

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Signs RS256 access tokens and stores a hashed, rotating refresh token in the given family.
@Injectable()
export class TokenIssuer {
  constructor(
    @Inject(JWT_KEYS) private readonly keys: JwtKeys,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly refreshTokens: RefreshTokensRepository,
  ) {}

  async issue(manager: EntityManager, user: UserEntity, familyId: string = randomUUID()): Promise<TokenPair> {
    const ttlSeconds = Math.floor(this.config.JWT_ACCESS_TTL / 1000);
    // sid: the session (refresh token family); tv: the user's token_version. A password change refuses tokens of an
    // older version from every session but the one that made it (the gateway's principalRefusal).
    const accessToken = await new SignJWT({ role: user.role, sid: familyId, tv: user.tokenVersion ?? 0 })
      .setProtectedHeader({ alg: 'RS256', kid: this.keys.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.keys.privateKey!);
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refreshTokens.insert(manager, {
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: new Date(Date.now() + this.config.JWT_REFRESH_TTL),
      createdAt: new Date(),
      usedAt: null,
      revokedAt: null,
    });
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'bearer', expires_in: ttlSeconds };
  }
}
