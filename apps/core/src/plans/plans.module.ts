import { Module } from '@nestjs/common';
import { PlansRepository } from '@app/persistence';
import { PLAN_SEARCH_READER, PostgresPlanSearchReader } from '@app/search';
import { CreatePlanUseCase } from './create-plan.use-case';
import { DeletePlanUseCase } from './delete-plan.use-case';
import { PatchPlanUseCase } from './patch-plan.use-case';
import { PlanCacheWriter } from './plan-cache.writer';
import { PlanSchemaValidator } from './plan-schema.validator';
import { PlanWriteSupport } from './plan-write.support';
import { PlansHandlers } from './plans.handlers';
import { PlansQueryService } from './plans-query.service';
import { PlanReplacer, ReplacePlanUseCase } from './replace-plan.use-case';

@Module({
  controllers: [PlansHandlers],
  providers: [
    PlanSchemaValidator,
    PlanWriteSupport,
    PlanCacheWriter,
    PlanReplacer,
    CreatePlanUseCase,
    ReplacePlanUseCase,
    PatchPlanUseCase,
    DeletePlanUseCase,
    PlansQueryService,
    { provide: PLAN_SEARCH_READER, inject: [PlansRepository], useFactory: (plans: PlansRepository) => new PostgresPlanSearchReader(plans) },
  ],
})
export class PlansModule {}
