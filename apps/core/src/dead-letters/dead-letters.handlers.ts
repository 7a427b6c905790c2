import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError } from '@app/common';
import { GetDeadLetterPayload, ListDeadLettersPayload, pageMeta, PATTERNS, ReplayDeadLettersPayload } from '@app/contracts';
import { auditByRequester, AuditRepository } from '@app/persistence';
import { DeadLetterStore, toDeadLetterDetail, toDeadLetterView } from './dead-letter.store';

@Controller()
export class DeadLettersHandlers {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly audit: AuditRepository,
  ) {}

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
  // One event per replay call: how many, and which letters (a dry run replays nothing and is not recorded).
  async replay(@Payload() payload: ReplayDeadLettersPayload) {
    const result = await this.store.replay(payload);
    if (!result.dry_run) {
      const details = { matched: result.matched, replayed: result.replayed, ids: result.ids, ...(payload.filter ? { filter: payload.filter } : {}) };
      await this.audit.recordAlone(auditByRequester('dead_letters.replayed', null, details));
    }
    return result;
  }
}
