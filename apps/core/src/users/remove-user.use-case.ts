import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, EVENTS } from '@app/contracts';
import { auditEvent, AuditRepository, OutboxRepository, RefreshTokensRepository, UsersRepository } from '@app/persistence';
import { PrincipalCacheWriter } from '../cache/principal-cache.writer';
import { domainEvent } from '../messaging/event.factory';
import { UserCommitHook } from './user-commit.hook';
import { toPrincipal, toUserView } from './user.mapper';

// Soft delete: the row stays for history, every refresh token dies, and the cached principal is fenced before the
// commit and becomes a tombstone after it, so the gateway rejects the user's access tokens on the next request even
// when the post-commit write is lost.
@Injectable()
export class RemoveUserUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly cache: PrincipalCacheWriter,
    private readonly hook: UserCommitHook,
  ) {}

  async execute(actor: Actor, id: string): Promise<void> {
    if (actor.role !== 'admin') throw new DomainError('FORBIDDEN', 'Only an admin may delete users');
    await this.softDelete(actor, id, 'admin');
  }

  // DELETE /users/me: the same soft delete, by the user themself; erasure follows after USER_ERASURE_GRACE.
  // An admin closes an account through DELETE /users/{id}, so the bootstrap admin cannot lock everyone out.
  async closeOwnAccount(actor: Actor): Promise<void> {
    if (actor.role === 'admin') throw new DomainError('FORBIDDEN', 'An admin account is closed by another admin (DELETE /users/{id})');
    await this.softDelete(actor, actor.id, 'self');
  }

  private async softDelete(actor: Actor, id: string, via: 'admin' | 'self'): Promise<void> {
    const removed = await this.dataSource.transaction(async (tx) => {
      const user = await this.users.lockLiveById(tx, id);
      if (!user) throw new DomainError('NOT_FOUND', 'User not found');
      user.deletedAt = new Date();
      user.updatedAt = user.deletedAt;
      user.version += 1;
      await this.users.save(tx, user);
      await this.refreshTokens.revokeAllForUser(tx, user.id);
      await this.outbox.add(tx, domainEvent('user', user.id, EVENTS.userDeleted, toUserView(user)));
      await this.audit.record(tx, [auditEvent('user.deleted', actor, { type: 'user', id: user.id }, { via })]);
      await this.cache.fence(user.id, user.version);
      return user;
    });
    this.hook.afterCommit(removed.id);
    await this.cache.publish(toPrincipal(removed));
  }
}
