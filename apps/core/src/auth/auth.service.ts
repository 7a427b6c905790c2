import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { LogoutPayload, TokenPair, TokenPayload } from '@app/contracts';
import { auditEvent, auditFailure, AuditRepository, RefreshTokensRepository, UserEntity, UsersRepository } from '@app/persistence';
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
    private readonly audit: AuditRepository,
    private readonly hasher: PasswordHasher,
    private readonly issuer: TokenIssuer,
  ) {}

  // Same error and the same hashing cost whether the user is unknown or the password is wrong.
  async token(payload: TokenPayload): Promise<TokenPair> {
    const user = await this.users.findLiveByEmail(payload.username.trim());
    const valid = await this.hasher.verify(user?.passwordHash, payload.password);
    if (!user || !valid) {
      // Audited on its own: nothing else is written. The username (an email) is personal data and stays out.
      await this.audit.recordAlone(
        auditFailure('auth.login', user ? actorOf(user) : null, user ? { type: 'user', id: user.id } : null, user ? 'wrong_password' : 'unknown_user'),
      );
      throw new DomainError('INVALID_CREDENTIALS', 'Invalid username or password');
    }
    return this.dataSource.transaction(async (tx) => {
      const pair = await this.issuer.issue(tx, user);
      await this.audit.record(tx, [auditEvent('auth.login', actorOf(user), { type: 'user', id: user.id })]);
      return pair;
    });
  }

  // Rotation: the presented token is consumed atomically; presenting a consumed one revokes its family.
  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.dataSource.transaction(async (tx) => {
      const result = await this.refreshTokens.consume(tx, hashRefreshToken(refreshToken));
      if (result.kind === 'unknown') return { kind: 'invalid' as const };
      if (result.kind === 'reused') {
        await this.refreshTokens.revokeFamily(tx, result.token.familyId);
        const target = { type: 'user', id: result.token.userId };
        await this.audit.record(tx, [auditFailure('auth.refresh', { id: result.token.userId, role: null }, target, 'reused_token_family_revoked')]);
        return { kind: 'reused' as const, userId: result.token.userId };
      }
      const user = await this.users.findLiveById(result.token.userId, tx);
      if (!user) return { kind: 'invalid' as const };
      const pair = await this.issuer.issue(tx, user, result.token.familyId);
      await this.audit.record(tx, [auditEvent('auth.refresh', actorOf(user), { type: 'user', id: user.id })]);
      return { kind: 'issued' as const, pair };
    });
    if (outcome.kind === 'issued') return outcome.pair;
    if (outcome.kind === 'reused') {
      this.logger.warn(`refresh token reuse detected for user ${outcome.userId}: family revoked`);
      throw new DomainError('REFRESH_TOKEN_REUSED', 'Refresh token was already used; the session has been revoked');
    }
    await this.audit.recordAlone(auditFailure('auth.refresh', null, null, 'invalid_token'));
    throw new DomainError('INVALID_TOKEN', INVALID_REFRESH);
  }

  // Ends the session the token belongs to; a token of another user or an unknown one changes nothing.
  async logout(payload: LogoutPayload): Promise<void> {
    const token = await this.refreshTokens.findByHash(hashRefreshToken(payload.refresh_token));
    const actor = { id: payload.user_id, role: null };
    const target = { type: 'user', id: payload.user_id };
    if (!token || token.userId !== payload.user_id) {
      await this.audit.recordAlone(auditFailure('auth.logout', actor, target, 'unknown_token'));
      return;
    }
    await this.dataSource.transaction(async (tx) => {
      await this.refreshTokens.revokeFamily(tx, token.familyId);
      await this.audit.record(tx, [auditEvent('auth.logout', actor, target)]);
    });
  }
}

function actorOf(user: UserEntity): { id: string; role: UserEntity['role'] } {
  return { id: user.id, role: user.role };
}
