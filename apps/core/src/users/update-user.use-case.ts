import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, EVENTS, UpdateUserFields, UserView } from '@app/contracts';
import { auditEvent, AuditRepository, OutboxRepository, RefreshTokensRepository, UserEntity, UsersRepository } from '@app/persistence';
import { PasswordHasher } from '../auth/password.hasher';
import { PrincipalCacheWriter } from '../cache/principal-cache.writer';
import { ContentCacheStore } from '../content/content-cache.store';
import { domainEvent } from '../messaging/event.factory';
import { uniqueViolationToDomain } from './create-user.use-case';
import { UserCommitHook } from './user-commit.hook';
import { toPrincipal, toUserView } from './user.mapper';

export function assertAdminOrSelf(actor: Actor, userId: string): void {
  if (actor.role !== 'admin' && actor.id !== userId) {
    throw new DomainError('FORBIDDEN', 'You may only access your own user');
  }
}

// PUT semantics: the profile is replaced; password and role change only when given. The cached principal is fenced
// before the commit (a role change holds on the very next request even if the post-commit write is lost), and a
// password change ends every other session: refresh tokens revoked, older access tokens refused by token_version.
@Injectable()
export class UpdateUserUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly hasher: PasswordHasher,
    private readonly cache: PrincipalCacheWriter,
    private readonly contentCache: ContentCacheStore,
    private readonly hook: UserCommitHook,
  ) {}

  async execute(actor: Actor, id: string, fields: UpdateUserFields): Promise<UserView> {
    assertAdminOrSelf(actor, id);
    const passwordHash = fields.password ? await this.hasher.hash(fields.password) : undefined;
    let renamed = false;
    const updated = await this.dataSource
      .transaction(async (tx) => {
        const user = await this.users.lockLiveById(tx, id);
        if (!user) throw new DomainError('NOT_FOUND', 'User not found');
        renamed = user.name !== fields.name.trim();
        if (fields.role && fields.role !== user.role && actor.role !== 'admin') {
          throw new DomainError('FORBIDDEN', 'Only an admin may change a role');
        }
        const previousRole = user.role;
        const changed = changedProfileFields(user, fields);
        user.name = fields.name.trim();
        user.email = fields.email.trim();
        user.phoneNumber = fields.phone_number ?? null;
        user.country = fields.country ?? null;
        user.state = fields.state ?? null;
        user.role = fields.role ?? user.role;
        if (passwordHash) {
          // The caller's own session survives a change of their own password; an admin's change ends them all.
          const kept = actor.id === user.id ? (actor.session ?? null) : null;
          user.passwordHash = passwordHash;
          user.tokenVersion = (user.tokenVersion ?? 0) + 1;
          user.keptSession = kept;
          await this.refreshTokens.revokeAllForUserExcept(tx, user.id, kept);
        }
        user.version += 1;
        user.updatedAt = new Date();
        await this.users.save(tx, user);
        await this.outbox.add(tx, domainEvent('user', user.id, EVENTS.userUpdated, toUserView(user)));
        const target = { type: 'user', id: user.id };
        const events = [auditEvent('user.updated', actor, target, { fields: passwordHash ? [...changed, 'password'] : changed })];
        if (user.role !== previousRole) events.push(auditEvent('user.role_changed', actor, target, { from: previousRole, to: user.role }));
        await this.audit.record(tx, events);
        await this.cache.fence(user.id, user.version);
        return user;
      })
      .catch(uniqueViolationToDomain);
    this.hook.afterCommit(updated.id);
    await this.cache.publish(toPrincipal(updated));
    // Content shows authors by name: the new one goes into the content caches before the answer.
    if (renamed) await this.contentCache.authorRenamed({ id: updated.id, name: updated.name, version: updated.version });
    return toUserView(updated);
  }
}

// Names of the profile fields a PUT changes (never their values: the audit log holds no personal data).
function changedProfileFields(user: UserEntity, fields: UpdateUserFields): string[] {
  const next: Record<string, unknown> = {
    name: fields.name.trim(),
    email: fields.email.trim(),
    phone_number: fields.phone_number ?? null,
    country: fields.country ?? null,
    state: fields.state ?? null,
  };
  const current: Record<string, unknown> = { name: user.name, email: user.email, phone_number: user.phoneNumber, country: user.country, state: user.state };
  return Object.keys(next).filter((key) => next[key] !== current[key]);
}
