import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, CreateUserFields, EVENTS, Role, UserView } from '@app/contracts';
import { auditEvent, AuditRepository, OutboxRepository, UniqueViolationError, UserEntity, UsersRepository } from '@app/persistence';
import { PasswordHasher } from '../auth/password.hasher';
import { PrincipalCacheWriter } from '../cache/principal-cache.writer';
import { domainEvent } from '../messaging/event.factory';
import { toPrincipal, toUserView } from './user.mapper';

export function uniqueViolationToDomain(error: unknown): never {
  if (error instanceof UniqueViolationError) {
    if (error.constraint.includes('email')) throw new DomainError('EMAIL_TAKEN', 'A user with this email already exists');
    if (error.constraint.includes('phone')) throw new DomainError('PHONE_TAKEN', 'A user with this phone number already exists');
  }
  throw error;
}

// An unusable hash (argon2 cannot parse it, so no password verifies) that no one ever sees: the row holding it is
// replaced with the real hash before its transaction commits.
const HASH_PENDING = '!pending';

// Signup and admin creation: one user row and its user.created event, in one transaction. The row goes in first, so
// the unique indexes on email and phone decide between concurrent duplicates before any password is hashed: a
// duplicate waits for the first transaction and fails with 409 as soon as it commits, instead of every one of them
// spending an argon2 hash (~20 MiB, tens of ms) and queueing behind the others until their RPC times out.
@Injectable()
export class CreateUserUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly hasher: PasswordHasher,
    private readonly cache: PrincipalCacheWriter,
  ) {}

  // actor: the admin who creates the user; null for a signup (the new user is the actor) or the bootstrap admin.
  async execute(fields: CreateUserFields, role: Role, actor: Actor | null = null, via: 'signup' | 'admin' | 'bootstrap' = 'admin'): Promise<UserView> {
    const now = new Date();
    const user: UserEntity = {
      id: randomUUID(),
      name: fields.name.trim(),
      email: fields.email.trim(),
      phoneNumber: fields.phone_number ?? null,
      country: fields.country ?? null,
      state: fields.state ?? null,
      role,
      passwordHash: HASH_PENDING,
      version: 1,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    const view = toUserView(user);
    await this.dataSource
      .transaction(async (tx) => {
        await this.users.insert(tx, user);
        user.passwordHash = await this.hasher.hash(fields.password);
        await this.users.setPasswordHash(tx, user.id, user.passwordHash);
        await this.outbox.add(tx, domainEvent('user', user.id, EVENTS.userCreated, view));
        const by = actor ?? (via === 'signup' ? { id: user.id, role } : null);
        await this.audit.record(tx, [auditEvent('user.created', by, { type: 'user', id: user.id }, { via, role })]);
      })
      .catch(uniqueViolationToDomain);
    await this.cache.publish(toPrincipal(user));
    return view;
  }
}
