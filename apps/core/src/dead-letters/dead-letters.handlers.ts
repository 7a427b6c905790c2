import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError } from '@app/common';
import { GetDeadLetterPayload, ListDeadLettersPayload, pageMeta, PATTERNS, ReplayDeadLettersPayload } from '@app/contracts';
import { DeadLetterStore, toDeadLetterDetail, toDeadLetterView } from './dead-letter.store';

@Controller()
export class DeadLettersHandlers {
  constructor(private readonly store: DeadLetterStore) {}

  @MessagePattern(PATTERNS.admin.deadLettersList)
  async list(@Payload() payload: ListDeadLettersPayload) {
    const { page, page_size: pageSize, ...filter } = payload;
    const { items, total } = await this.store.list(filter, page, pageSize);
    return { data: items.map(toDeadLetterView), meta: pageMeta(page, pageSize, total) };
  }

  @MessagePattern(PATTERNS.admin.deadLettersGet)
  async get(@Payload() payload: GetDeadLetterPayload) {
    const letter = await this.store.find(payload.id);
    if (!letter) throw new DomainError('NOT_FOUND', 'Dead letter not found');
    return toDeadLetterDetail(letter);
  }

  @MessagePattern(PATTERNS.admin.deadLettersReplay)
  replay(@Payload() payload: ReplayDeadLettersPayload) {
    return this.store.replay(payload);
  }
}
