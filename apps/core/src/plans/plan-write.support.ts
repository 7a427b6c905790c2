import { Injectable } from '@nestjs/common';
import { assertSafeJson, DomainError } from '@app/common';
import { Actor, PlanDocument, Precondition } from '@app/contracts';
import { PlanEntity, PlansRepository, PlanWrite, WriteCondition } from '@app/persistence';
import { canonicalJson, strongEtag } from './canonical-json.util';
import { decomposePlan, DecomposedPlan } from './plan-decomposer';
import { PlanSchemaValidator } from './plan-schema.validator';

export interface PreparedPlan {
  document: PlanDocument;
  write: PlanWrite;
  decomposed: DecomposedPlan;
}

// What every plan write shares: schema validation, the canonical ETag, decomposition, the write condition,
// and telling 404 from 403 from 412 when a conditional write matched nothing.
@Injectable()
export class PlanWriteSupport {
  constructor(
    private readonly validator: PlanSchemaValidator,
    private readonly plans: PlansRepository,
  ) {}

  // 400 (or the given code, 422 for patches) with every violation and its JSON Pointer.
  prepare(document: unknown, actor: Actor, failure: 'VALIDATION_ERROR' | 'UNPROCESSABLE_PATCH' = 'VALIDATION_ERROR'): PreparedPlan {
    // Before anything recurses over it: bounded depth and size, storable strings, no prototype keys.
    assertSafeJson(document, 'The plan');
    const violations = this.validator.violations(document);
    if (violations.length > 0) {
      const message = failure === 'VALIDATION_ERROR' ? 'The plan does not match the schema' : 'The patched plan would not match the schema';
      throw new DomainError(failure, message, { errors: violations });
    }
    const plan = document as PlanDocument;
    const decomposed = decomposePlan(plan);
    return {
      document: plan,
      decomposed,
      write: {
        document: plan,
        etag: strongEtag(canonicalJson(plan)),
        planType: decomposed.planType,
        org: decomposed.org,
        searchText: decomposed.searchText,
        actorId: actor.id,
      },
    };
  }

  condition(actor: Actor, precondition: Precondition | undefined): WriteCondition {
    return {
      anyEtag: !precondition || precondition.any,
      etags: precondition?.tags ?? [],
      ownerId: actor.role === 'admin' ? undefined : actor.id,
    };
  }

  // May `actor` write `current` under `precondition`? Checked in the contract's order: 404, then 403, then 412.
  assertWritable(current: PlanEntity | null, actor: Actor, precondition?: Precondition): asserts current is PlanEntity {
    if (!current) throw new DomainError('NOT_FOUND', 'Plan not found');
    if (actor.role !== 'admin' && current.createdBy !== actor.id) throw new DomainError('FORBIDDEN', 'Only the plan creator or an admin may change it');
    if (precondition && !precondition.any && !precondition.tags.includes(current.etag)) {
      throw new DomainError('PRECONDITION_FAILED', 'If-Match does not match the current ETag');
    }
  }

  // A conditional write touched no row: say why. Past 404 and 403, only the precondition can have failed.
  async explainMiss(id: string, actor: Actor): Promise<never> {
    this.assertWritable(await this.plans.findById(id), actor);
    throw new DomainError('PRECONDITION_FAILED', 'If-Match does not match the current ETag');
  }
}
