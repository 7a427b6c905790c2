import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';

export type ConsumeResult = { kind: 'consumed'; token: RefreshTokenEntity } | { kind: 'reused'; token: RefreshTokenEntity } | { kind: 'unknown' };

@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(RefreshTokenEntity);
  }

  async insert(manager: EntityManager, token: RefreshTokenEntity): Promise<void> {
    await this.repo(manager).insert(token);
  }

  // Marks the token used in one conditional UPDATE, so two concurrent refreshes cannot both win.
  async consume(manager: EntityManager, tokenHash: string): Promise<ConsumeResult> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING id`,
      [tokenHash],
    );
    const token = await this.repo(manager).findOne({ where: { tokenHash } });
    if (!token) return { kind: 'unknown' };
    if (rows.length === 1) return { kind: 'consumed', token };
    // Expired but never used is not reuse; used or revoked is.
    return token.usedAt || token.revokedAt ? { kind: 'reused', token } : { kind: 'unknown' };
  }

  async revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
  }

  async revokeAllForUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }

  // A password change: every session of the user ends but keptFamily (the caller's own, when they changed their
  // own password; null ends them all).
  async revokeAllForUserExcept(manager: EntityManager, userId: string, keptFamily: string | null): Promise<number> {
    const [, count] = await manager.query<[unknown, number]>(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND family_id IS DISTINCT FROM $2`,
      [userId, keptFamily],
    );
    return count;
  }

  findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.repo().findOne({ where: { tokenHash } });
  }
}
