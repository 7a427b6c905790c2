import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { UserEntity } from '../entities/user.entity';
import { rethrowUniqueViolation } from '../unique-violation.error';

export type UserSortField = 'created_at' | 'name' | 'email';
const SORT_COLUMNS: Record<UserSortField, keyof UserEntity> = { created_at: 'createdAt', name: 'name', email: 'email' };

export interface PageQuery<S extends string> {
  page: number;
  pageSize: number;
  sortBy: S;
  order: 'asc' | 'desc';
}

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(UserEntity);
  }

  findLiveById(id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOne({ where: { id, deletedAt: IsNull() } });
  }

  // Includes soft-deleted users, so callers can tell "gone" from "never existed".
  findAnyById(id: string): Promise<UserEntity | null> {
    return this.repo().findOne({ where: { id } });
  }

  // The principal fill's read: FOR SHARE waits for a change in progress (which holds FOR UPDATE) to commit, and
  // keeps the row from changing until the fill's cache write is done (see PrincipalCacheWriter).
  findAnyByIdForShare(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return this.repo(manager).createQueryBuilder('u').setLock('pessimistic_read').where('u.id = :id', { id }).getOne();
  }

  // The orders batch's check, in its transaction: which of these users are live. FOR KEY SHARE (what the foreign key
  // check takes anyway) waits for a delete in progress, so an order is stored only while its user is live.
  async lockLiveIds(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows = await manager.query<Array<{ id: string }>>(`SELECT id FROM users WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL FOR KEY SHARE`, [ids]);
    return new Set(rows.map((row) => row.id.toLowerCase()));
  }

  findLiveByEmail(email: string): Promise<UserEntity | null> {
    return this.repo().createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).andWhere('u.deleted_at IS NULL').getOne();
  }

  // Row lock for read-modify-write inside a transaction.
  lockLiveById(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return this.repo(manager).createQueryBuilder('u').setLock('pessimistic_write').where('u.id = :id', { id }).andWhere('u.deleted_at IS NULL').getOne();
  }

  async listLive(query: PageQuery<UserSortField>): Promise<{ items: UserEntity[]; total: number }> {
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [items, total] = await this.repo().findAndCount({
      where: { deletedAt: IsNull() },
      order: { [SORT_COLUMNS[query.sortBy]]: direction, id: direction },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items, total };
  }

  async insert(manager: EntityManager, user: UserEntity): Promise<void> {
    await this.repo(manager).insert(user).catch(rethrowUniqueViolation);
  }

  async setPasswordHash(manager: EntityManager, id: string, passwordHash: string): Promise<void> {
    await this.repo(manager).update({ id }, { passwordHash });
  }

  async save(manager: EntityManager, user: UserEntity): Promise<void> {
    await this.repo(manager).save(user).catch(rethrowUniqueViolation);
  }
}
