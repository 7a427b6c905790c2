import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsIn, IsUUID } from 'class-validator';
import { DomainError } from '@app/common';
import { PLAN_PATTERNS } from '@app/contracts';
import { auditByRequester, AuditRepository } from '@app/persistence';
import { ReindexProgressStore } from './reindex-progress.store';
import { ReindexService, ReindexTarget } from './reindex.service';

export const REINDEX_TARGETS: ReindexTarget[] = ['plans', 'orders', 'content', 'all'];

class ReindexPayload {
  @IsIn(REINDEX_TARGETS) target: ReindexTarget;
}

class ReindexStatusPayload {
  @IsUUID('all') id: string;
}

@Controller()
export class ReindexHandlers {
  constructor(
    private readonly reindex: ReindexService,
    private readonly progress: ReindexProgressStore,
    private readonly audit: AuditRepository,
  ) {}

  @MessagePattern(PLAN_PATTERNS.reindex)
  async start(@Payload() payload: ReindexPayload) {
    const run = await this.reindex.start(payload.target);
    await this.audit.recordAlone(auditByRequester('search_index.reindex_started', { type: 'reindex_run', id: run.id }, { target: payload.target }));
    return run;
  }

  @MessagePattern(PLAN_PATTERNS.reindexStatus)
  async status(@Payload() payload: ReindexStatusPayload) {
    const run = await this.progress.get(payload.id);
    if (!run) throw new DomainError('NOT_FOUND', 'No reindex run with this id in the last 24 hours');
    return run;
  }
}
