import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { LogoutPayload, TokenPair, TokenPayload } from '@app/contracts';
import { RefreshTokensRepository, UsersRepository } from '@app/persistence';
import { PasswordHasher } from './password.hasher';
import { hashRefreshToken, TokenIssuer } from './token.issuer';

const INVALID_REFRESH = 'Refresh token is invalid or expired';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly issuer: TokenIssuer,
  ) {}

  // Same error and the same hashing cost whether the user is unknown or the password is wrong.
  async token(payload: TokenPayload): Promise<TokenPair> {
    const user = await this.users.findLiveByEmail(payload.username.trim());
    const valid = await this.hasher.verify(user?.passwordHash, payload.password);
    if (!user || !valid) throw new DomainError('INVALID_CREDENTIALS', 'Invalid username or password');
    return this.dataSource.transaction((tx) => this.issuer.issue(tx, user));
  }

  // Rotation: the presented token is consumed atomically; presenting a consumed one revokes its family.
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.dataSource.transaction(async (tx) => {
      const result = await this.refreshTokens.consume(tx, hashRefreshToken(refreshToken));
      if (result.kind === 'unknown') return { kind: 'invalid' as const };
      if (result.kind === 'reused') {
        await this.refreshTokens.revokeFamily(tx, result.token.familyId);
        return { kind: 'reused' as const, userId: result.token.userId };
      }
      const user = await this.users.findLiveById(result.token.userId, tx);
      if (!user) return { kind: 'invalid' as const };
      return { kind: 'issued' as const, pair: await this.issuer.issue(tx, user, result.token.familyId) };
    });
    if (outcome.kind === 'issued') return outcome.pair;
    if (outcome.kind === 'reused') {
      this.logger.warn(`refresh token reuse detected for user ${outcome.userId}: family revoked`);
      throw new DomainError('REFRESH_TOKEN_REUSED', 'Refresh token was already used; the session has been revoked');
    }
    throw new DomainError('INVALID_TOKEN', INVALID_REFRESH);
  }

  // Ends the session the token belongs to; a token of another user or an unknown one changes nothing.
  async logout(payload: LogoutPayload): Promise<void> {
    const token = await this.refreshTokens.findByHash(hashRefreshToken(payload.refresh_token));
    if (!token || token.userId !== payload.user_id) return;
    await this.dataSource.transaction((tx) => this.refreshTokens.revokeFamily(tx, token.familyId));
  }
}
