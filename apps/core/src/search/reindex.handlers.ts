import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsIn } from 'class-validator';
import { PLAN_PATTERNS } from '@app/contracts';
import { ReindexService, ReindexTarget } from './reindex.service';

export const REINDEX_TARGETS: ReindexTarget[] = ['plans', 'orders', 'content', 'all'];

class ReindexPayload {
  @IsIn(REINDEX_TARGETS) target: ReindexTarget;
}

@Controller()
export class ReindexHandlers {
  constructor(private readonly reindex: ReindexService) {}

  @MessagePattern(PLAN_PATTERNS.reindex)
  start(@Payload() payload: ReindexPayload) {
    return this.reindex.start(payload.target);
  }
}
