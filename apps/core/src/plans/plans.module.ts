import { Module } from '@nestjs/common';
import { CreatePlanUseCase } from './create-plan.use-case';
import { DeletePlanUseCase } from './delete-plan.use-case';
import { PatchPlanUseCase } from './patch-plan.use-case';
import { PlanCacheWriter } from './plan-cache.writer';
import { PlanSchemaValidator } from './plan-schema.validator';
import { PlanWriteSupport } from './plan-write.support';
import { PlansHandlers } from './plans.handlers';
import { PlansQueryService } from './plans-query.service';
import { PlanReplacer, ReplacePlanUseCase } from './replace-plan.use-case';
import { ReindexHandlers } from '../search/reindex.handlers';
import { ReindexProgressStore } from '../search/reindex-progress.store';
import { ReindexService } from '../search/reindex.service';

@Module({
  controllers: [PlansHandlers, ReindexHandlers],
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
    ReindexService,
    ReindexProgressStore,
  ],
})
export class PlansModule {}
