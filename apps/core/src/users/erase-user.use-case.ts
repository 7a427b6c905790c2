import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor } from '@app/contracts';
import { auditEvent, AuditRepository, UserEntity, UserErasureRepository } from '@app/persistence';
import { PrincipalCacheWriter } from '../cache/principal-cache.writer';
import { ContentCacheStore } from '../content/content-cache.store';
import { toPrincipal, toUserView } from './user.mapper';

export type ErasureOutcome = 'erased' | 'already_erased';

// Erasure of a soft-deleted user (GDPR right to deletion): in one transaction the profile is anonymised (the id
// stays, so orders and content keep their foreign keys), refresh tokens are deleted, and the user's values are
// scrubbed from the outbox and the dead letters. Then the caches: the principal (it held the profile) and the
// content author entry and pages (they held the name). Orders hold no personal data (user id, product, amount),
// and the search index documents hold only the author's / owner's id, so neither changes. Idempotent: an erased
// user is erased again without error, which also repeats the cache clean-up.
@Injectable()
export class EraseUserUseCase {
  private readonly logger = new Logger(EraseUserUseCase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly erasure: UserErasureRepository,
    private readonly audit: AuditRepository,
    private readonly principals: PrincipalCacheWriter,
    private readonly contentCache: ContentCacheStore,
  ) {}

  // POST /admin/users/{id}/erase.
  async byAdmin(actor: Actor, id: string): Promise<ErasureOutcome> {
    if (actor.role !== 'admin') throw new DomainError('FORBIDDEN', 'Only an admin may erase users');
    return this.execute(id, actor);
  }

  // actor: the admin, or null for the scheduler's sweep after USER_ERASURE_GRACE.
  async execute(id: string, actor: Actor | null = null): Promise<ErasureOutcome> {
    const { user, outcome } = await this.dataSource.transaction(async (tx) => {
      const found = await this.erasure.lockAnyById(tx, id);
      if (!found) throw new DomainError('NOT_FOUND', 'User not found');
      if (!found.deletedAt) throw new DomainError('USER_NOT_DELETED', 'Only a soft-deleted user can be erased; delete the user first');
      if (found.erasedAt) return { user: found, outcome: 'already_erased' as const };
      const values = { id: found.id, literals: personalLiterals(found) };
      await this.erasure.anonymise(tx, found, new Date());
      await this.erasure.deleteRefreshTokens(tx, found.id);
      const view = toUserView(found);
      await this.erasure.scrubOutbox(tx, values, { name: view.name, email: view.email, phone_number: null, country: null, state: null });
      await this.erasure.scrubDeadLetters(tx, values);
      await this.audit.record(tx, [auditEvent('user.erased', actor, { type: 'user', id: found.id }, { trigger: actor ? 'admin' : 'schedule' })]);
      return { user: found, outcome: 'erased' as const };
    });
    await this.principals.publish(toPrincipal(user));
    await this.contentCache
      .authorErased({ id: user.id, name: user.name, version: user.version })
      .catch((error: Error) => this.logger.warn(`content pages of erased user ${user.id} not purged (they expire with CONTENT_CACHE_TTL): ${error.message}`));
    return outcome;
  }
}

// The values to scrub, as JSON string literals; empty ones (no phone) are left out.
function personalLiterals(user: UserEntity): string[] {
  return [user.email, user.name, user.phoneNumber, user.email.toLowerCase()]
    .filter((value): value is string => Boolean(value))
    .filter((value, index, all) => all.indexOf(value) === index)
    .map((value) => JSON.stringify(value));
}
