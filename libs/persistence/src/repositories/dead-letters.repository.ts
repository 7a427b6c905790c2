import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DeadLetterEntity } from '../entities/dead-letter.entity';

export interface DeadLetterCriteria {
  queue?: string;
  pattern?: string; // `*` matches any run of characters
  text?: string; // in the reason, the headers or the body, case-insensitively
  from?: Date;
  to?: Date;
  ids?: string[];
}

// A LIKE pattern that matches `value` literally, but for `*`, which matches anything.
function likePattern(value: string, wildcard: boolean): string {
  const escaped = value.replace(/[\\%_]/g, (character) => `\\${character}`);
  return wildcard ? escaped.replaceAll('*', '%') : `%${escaped}%`;
}

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

  // The pending (not yet replayed) letters matching every given criterion; all values are bound parameters.
  private pending(criteria: DeadLetterCriteria): SelectQueryBuilder<DeadLetterEntity> {
    const query = this.repo.createQueryBuilder('letter').where('letter.replayed_at IS NULL');
    if (criteria.ids) query.andWhere(criteria.ids.length ? 'letter.id IN (:...ids)' : 'false', { ids: criteria.ids });
    if (criteria.queue) query.andWhere('letter.queue = :queue', { queue: criteria.queue });
    if (criteria.pattern) query.andWhere("letter.pattern LIKE :pattern ESCAPE '\\'", { pattern: likePattern(criteria.pattern, true) });
    if (criteria.text) {
      const text = likePattern(criteria.text, false);
      query.andWhere(
        new Brackets((any) =>
          any
            .where("letter.reason ILIKE :text ESCAPE '\\'", { text })
            .orWhere("letter.body ILIKE :text ESCAPE '\\'", { text })
            .orWhere("CAST(letter.headers AS text) ILIKE :text ESCAPE '\\'", { text }),
        ),
      );
    }
    if (criteria.from) query.andWhere('letter.dead_lettered_at >= :from', { from: criteria.from });
    if (criteria.to) query.andWhere('letter.dead_lettered_at < :to', { to: criteria.to });
    return query;
  }

  async listPending(criteria: DeadLetterCriteria, page: number, pageSize: number): Promise<{ items: DeadLetterEntity[]; total: number }> {
    const [items, total] = await this.pending(criteria)
      .orderBy('letter.deadLetteredAt', 'DESC')
      .addOrderBy('letter.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items, total };
  }

  countPending(criteria: DeadLetterCriteria): Promise<number> {
    return this.pending(criteria).getCount();
  }

  findPending(criteria: DeadLetterCriteria, limit: number): Promise<DeadLetterEntity[]> {
    return this.pending(criteria).orderBy('letter.deadLetteredAt', 'ASC').addOrderBy('letter.id', 'ASC').take(limit).getMany();
  }

  findById(id: string): Promise<DeadLetterEntity | null> {
    return this.repo.findOne({ where: { id } });
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
