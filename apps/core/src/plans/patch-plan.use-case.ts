import { Injectable } from '@nestjs/common';
import { applyPatch, JsonPatchError, Operation, validate } from 'fast-json-patch';
import { assertSafeJson, DomainError } from '@app/common';
import { Actor, PatchKind, PlanDocument, PlanRecord, Precondition } from '@app/contracts';
import { PlansRepository } from '@app/persistence';
import { mergePatch } from './merge-patch.util';
import { PlanReplacer } from './replace-plan.use-case';
import { PlanWriteSupport } from './plan-write.support';

// Well-formed operations that the current document cannot take: 409 (RFC 5789), not a malformed patch.
const CONFLICT_ERRORS = new Set([
  'TEST_OPERATION_FAILED',
  'OPERATION_PATH_UNRESOLVABLE',
  'OPERATION_FROM_UNRESOLVABLE',
  'OPERATION_PATH_ILLEGAL_ARRAY_INDEX',
  'OPERATION_PATH_CANNOT_ADD',
  'OPERATION_VALUE_OUT_OF_BOUNDS',
]);

// PATCH: the patch is applied to the current document, the result validated before anything is stored, and
// stored with a conditional UPDATE on the ETag the patch was applied to, so a concurrent write gives 412.
@Injectable()
export class PatchPlanUseCase {
  constructor(
    private readonly plans: PlansRepository,
    private readonly support: PlanWriteSupport,
    private readonly replacer: PlanReplacer,
  ) {}

  async execute(actor: Actor, id: string, kind: PatchKind, patch: unknown, precondition: Precondition): Promise<PlanRecord> {
    assertSafeJson(patch, 'The patch', { jsonPatch: kind === 'json-patch' });
    const current = await this.plans.findById(id);
    this.support.assertWritable(current, actor, precondition);

    const document = current.document as PlanDocument;
    const patched = kind === 'merge' ? mergePatch(document, patch) : applyJsonPatch(document, patch);
    if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
      throw new DomainError('UNPROCESSABLE_PATCH', 'The patch would replace the plan with something that is not an object');
    }
    const result = patched as PlanDocument;
    if (result.objectId !== document.objectId || result.objectType !== document.objectType) {
      throw new DomainError('UNPROCESSABLE_PATCH', 'A patch may not change the root objectId or objectType');
    }
    const prepared = this.support.prepare(result, actor, 'UNPROCESSABLE_PATCH');
    return this.replacer.replace(actor, id, prepared, { any: false, tags: [current.etag] });
  }
}

// RFC 6902, atomic: the operations run on a copy, and any failing one leaves the stored plan untouched.
function applyJsonPatch(document: PlanDocument, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new DomainError('MALFORMED_PATCH', 'A JSON Patch must be an array of operations');
  try {
    const invalid = validate(patch as Operation[], document);
    if (invalid && !CONFLICT_ERRORS.has(invalid.name)) {
      throw new DomainError('MALFORMED_PATCH', `Operation ${invalid.index ?? '?'} is malformed: ${invalid.name}`, { operation: invalid.index });
    }
    return applyPatch(structuredClone(document), patch as Operation[], true, true).newDocument;
  } catch (error) {
    if (error instanceof JsonPatchError) {
      if (CONFLICT_ERRORS.has(error.name)) {
        throw new DomainError('PATCH_CONFLICT', `Operation ${error.index ?? '?'} cannot be applied to the current plan: ${error.name}`, { operation: error.index });
      }
      throw new DomainError('MALFORMED_PATCH', `Operation ${error.index ?? '?'} is malformed: ${error.name}`, { operation: error.index });
    }
    // The library's own guards (a path into __proto__ or constructor) throw plain TypeErrors: still the client's patch.
    if (error instanceof TypeError) throw new DomainError('MALFORMED_PATCH', `The patch is malformed: ${error.message}`);
    throw error;
  }
}
