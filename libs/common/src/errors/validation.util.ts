import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { opaqueJsonKeys } from '@app/contracts';
import { DomainError } from './domain.error';

export interface FieldProblem {
  field: string;
  problems: string[];
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

// The pipe with @OpaqueJson properties set aside: a placeholder object goes through transformation and validation
// in their place (so @IsDefined still fails when they are missing), and the original values are put back.
class OpaqueAwareValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const keys = opaqueJsonKeys(metadata.metatype);
    if (keys.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return super.transform(value, metadata);
    const shallow: Record<string, unknown> = { ...value };
    const held: Record<string, unknown> = {};
    for (const key of keys) {
      if (shallow[key] === undefined || shallow[key] === null) continue;
      held[key] = shallow[key];
      shallow[key] = {};
    }
    return Object.assign((await super.transform(shallow, metadata)) as object, held);
  }
}

// Unknown fields are rejected, not dropped; failures become VALIDATION_ERROR with each field and why.
export function strictValidationPipe(): ValidationPipe {
  return new OpaqueAwareValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainError('VALIDATION_ERROR', 'Request validation failed', { errors: flattenValidationErrors(errors) }),
  });
}
