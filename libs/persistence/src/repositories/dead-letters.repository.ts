import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DeadLetterEntity } from '../entities/dead-letter.entity';

@Injectable()
export class DeadLettersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(DeadLetterEntity);
  }

  // Idempotent: a letter whose dedupe key is already stored is skipped.
  async insert(letter: DeadLetterEntity): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .insert()
      .values(letter as QueryDeepPartialEntity<DeadLetterEntity>)
      .orIgnore()
      .execute();
  }

  async listPending(page: number, pageSize: number): Promise<{ items: DeadLetterEntity[]; total: number }> {
    const [items, total] = await this.repo.findAndCount({
      where: { replayedAt: IsNull() },
      order: { deadLetteredAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total };
  }

  findPending(ids: string[] | undefined, limit: number): Promise<DeadLetterEntity[]> {
    return this.repo.find({
      where: ids ? { id: In(ids), replayedAt: IsNull() } : { replayedAt: IsNull() },
      order: { deadLetteredAt: 'ASC' },
      take: limit,
    });
  }

  // Conditional so that two concurrent replays cannot both republish the same letter.
  async markReplayed(id: string): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update()
      .set({ replayedAt: () => 'now()', replayCount: () => 'replay_count + 1' })
      .where('id = :id AND replayed_at IS NULL', { id })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async unmarkReplayed(id: string): Promise<void> {
    await this.repo.update({ id }, { replayedAt: null });
  }
}
