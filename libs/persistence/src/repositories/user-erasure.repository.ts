import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from '../entities/user.entity';

// What an erased user's profile becomes: the id (and role, timestamps) stay so every foreign key, order and
// content item still holds; everything that identifies a person is replaced.
export const ERASED_USER_NAME = 'Deleted user';
export const erasedEmail = (id: string) => `erased-${id}@erased.invalid`;
// No password hash verifies against this (not a scrypt/bcrypt string), so no login can ever succeed.
export const ERASED_PASSWORD_HASH = '!erased';
const REDACTED = '[erased]';

// The personal values a user had, as JSON string literals (`"…"`), so a scrub replaces whole string values and
// never a substring of someone else's data.
export interface ErasedValues {
  id: string;
  literals: string[];
}

// The SQL of an erasure, every statement parameterized, all inside the caller's transaction.
@Injectable()
export class UserErasureRepository {
  constructor(private readonly dataSource: DataSource) {}

  // Any user, live, soft-deleted or erased, row-locked: erasure and soft delete of one user serialise.
  lockAnyById(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return manager.getRepository(UserEntity).createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id }).getOne();
  }

  // Soft-deleted before `deletedBefore` and not erased yet, oldest first.
  async findDue(deletedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM users WHERE deleted_at IS NOT NULL AND erased_at IS NULL AND deleted_at < $1 ORDER BY deleted_at, id LIMIT $2`,
      [deletedBefore, limit],
    );
    return rows.map((row) => row.id);
  }

  async anonymise(manager: EntityManager, user: UserEntity, at: Date): Promise<void> {
    user.name = ERASED_USER_NAME;
    user.email = erasedEmail(user.id);
    user.phoneNumber = null;
    user.country = null;
    user.state = null;
    user.passwordHash = ERASED_PASSWORD_HASH;
    user.erasedAt = at;
    user.updatedAt = at;
    user.version += 1;
    await manager.getRepository(UserEntity).save(user);
  }

  async deleteRefreshTokens(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM refresh_tokens WHERE user_id = $1`, [userId]);
  }

  // The user's own events (user.created/updated/deleted, published or not) get the erased profile, whatever name
  // or email each one carried at the time; any other payload holding one of the values gets it redacted.
  async scrubOutbox(manager: EntityManager, values: ErasedValues, erasedProfile: Record<string, unknown>): Promise<void> {
    await manager.query(
      `UPDATE outbox SET payload = jsonb_set(payload, '{data}', COALESCE(payload->'data', '{}'::jsonb) || $2::jsonb)
        WHERE aggregate_type = 'user' AND aggregate_id = $1 AND jsonb_typeof(payload->'data') = 'object'`,
      [values.id, JSON.stringify(erasedProfile)],
    );
    for (const literal of values.literals) {
      await manager.query(
        `UPDATE outbox SET payload = replace(payload::text, $1, $2)::jsonb, headers = replace(headers::text, $1, $2)::jsonb
          WHERE strpos(payload::text, $1) > 0 OR strpos(headers::text, $1) > 0`,
        [literal, JSON.stringify(REDACTED)],
      );
    }
  }

  // Dead-lettered messages (user events, signup or update commands) keep their row for the record, with every
  // personal value redacted from body, headers and properties.
  async scrubDeadLetters(manager: EntityManager, values: ErasedValues): Promise<void> {
    for (const literal of values.literals) {
      await manager.query(
        `UPDATE dead_letters SET body = replace(body, $1, $2), headers = replace(headers::text, $1, $2)::jsonb,
                properties = replace(properties::text, $1, $2)::jsonb
          WHERE strpos(body, $1) > 0 OR strpos(headers::text, $1) > 0 OR strpos(properties::text, $1) > 0`,
        [literal, JSON.stringify(REDACTED)],
      );
    }
  }
}
