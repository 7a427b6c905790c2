import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreatePlanPayload,
  DeletePlanPayload,
  ListPlansPayload,
  PatchPlanPayload,
  PLAN_PATTERNS,
  PlanIdPayload,
  ReplacePlanPayload,
  SearchPlansPayload,
} from '@app/contracts';
import { CreatePlanUseCase } from './create-plan.use-case';
import { DeletePlanUseCase } from './delete-plan.use-case';
import { PatchPlanUseCase } from './patch-plan.use-case';
import { PlansQueryService } from './plans-query.service';
import { ReplacePlanUseCase } from './replace-plan.use-case';

@Controller()
export class PlansHandlers {
  constructor(
    private readonly createPlan: CreatePlanUseCase,
    private readonly replacePlan: ReplacePlanUseCase,
    private readonly patchPlan: PatchPlanUseCase,
    private readonly deletePlan: DeletePlanUseCase,
    private readonly queries: PlansQueryService,
  ) {}

  @MessagePattern(PLAN_PATTERNS.create)
  create(@Payload() payload: CreatePlanPayload) {
    return this.createPlan.execute(payload.actor, payload.document);
  }

  @MessagePattern(PLAN_PATTERNS.get)
  get(@Payload() payload: PlanIdPayload) {
    return this.queries.get(payload.id);
  }

  @MessagePattern(PLAN_PATTERNS.list)
  list(@Payload() payload: ListPlansPayload) {
    return this.queries.list(payload);
  }

  @MessagePattern(PLAN_PATTERNS.search)
  search(@Payload() payload: SearchPlansPayload) {
    return this.queries.find(payload);
  }

  @MessagePattern(PLAN_PATTERNS.replace)
  replace(@Payload() payload: ReplacePlanPayload) {
    return this.replacePlan.execute(payload.actor, payload.id, payload.document, payload.if_match);
  }

  @MessagePattern(PLAN_PATTERNS.patch)
  patch(@Payload() payload: PatchPlanPayload) {
    return this.patchPlan.execute(payload.actor, payload.id, payload.kind, payload.patch, payload.if_match);
  }

  @MessagePattern(PLAN_PATTERNS.remove)
  async remove(@Payload() payload: DeletePlanPayload) {
    await this.deletePlan.execute(payload.actor, payload.id, payload.if_match);
    return { ok: true };
  }
}
