import { Injectable } from '@nestjs/common';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { PLAN_SCHEMA, PlanDocument } from '@app/contracts';

export interface Violation {
  pointer: string;
  message: string;
}

// RFC 6901: a property name inside a pointer escapes ~ and /.
const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

function describe(error: ErrorObject): Violation {
  const pointer = error.instancePath || '';
  if (error.keyword === 'additionalProperties') {
    return { pointer: `${pointer}/${escapeToken(String(error.params.additionalProperty))}`, message: 'is not allowed' };
  }
  if (error.keyword === 'required') {
    return { pointer: `${pointer}/${escapeToken(String(error.params.missingProperty))}`, message: 'is required' };
  }
  if (error.keyword === 'const') return { pointer, message: `must be ${JSON.stringify(error.params.allowedValue)}` };
  return { pointer, message: error.message ?? 'is invalid' };
}

// The plan JSON Schema, compiled once. Reports every violation with its JSON Pointer, plus the one rule a
// schema cannot say: objectIds are unique within a plan (they address the nested objects).
@Injectable()
export class PlanSchemaValidator {
  private readonly validateFn: ValidateFunction;

  constructor() {
    this.validateFn = new Ajv2020({ allErrors: true, strict: true }).compile(PLAN_SCHEMA);
  }

  violations(document: unknown): Violation[] {
    const schemaViolations = this.validateFn(document) ? [] : (this.validateFn.errors ?? []).map(describe);
    const isObject = typeof document === 'object' && document !== null;
    return [...schemaViolations, ...(isObject ? duplicateObjectIds(document as PlanDocument) : [])];
  }
}

function duplicateObjectIds(document: PlanDocument): Violation[] {
  const seen = new Map<string, string>();
  const violations: Violation[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (Array.isArray(node)) return node.forEach((child, index) => walk(child, `${pointer}/${index}`));
    if (node === null || typeof node !== 'object') return;
    const objectId = (node as { objectId?: unknown }).objectId;
    if (typeof objectId === 'string') {
      const first = seen.get(objectId);
      if (first !== undefined) violations.push({ pointer: `${pointer}/objectId`, message: `duplicates the objectId at ${first}/objectId` });
      else seen.set(objectId, pointer);
    }
    for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${escapeToken(key)}`);
  };
  walk(document, '');
  return violations;
}
