import { DomainError } from '@app/common';
import { z, ZodTypeAny } from 'zod';

// Admin bodies are checked whole: unknown fields, wrong types and out-of-range values are 400 VALIDATION_ERROR
// with each field and why, in the gateway's shape.
export function parseBody<S extends ZodTypeAny>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data as z.infer<S>;
  const errors = result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', problems: [issue.message] }));
  throw new DomainError('VALIDATION_ERROR', 'Request validation failed', { errors });
}
