import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ListDeadLettersPayload, pageMeta, PATTERNS, ReplayDeadLettersPayload } from '@app/contracts';
import { DeadLetterStore, toDeadLetterView } from './dead-letter.store';

@Controller()
export class DeadLettersHandlers {
  constructor(private readonly store: DeadLetterStore) {}

  @MessagePattern(PATTERNS.admin.deadLettersList)
  async list(@Payload() payload: ListDeadLettersPayload) {
    const { items, total } = await this.store.list(payload.page, payload.page_size);
    return { data: items.map(toDeadLetterView), meta: pageMeta(payload.page, payload.page_size, total) };
  }

  @MessagePattern(PATTERNS.admin.deadLettersReplay)
  replay(@Payload() payload: ReplayDeadLettersPayload) {
    return this.store.replay(payload.ids);
  }
}
