import { Injectable, PipeTransform } from '@nestjs/common';
import { isISO8601, isUUID } from 'class-validator';
import { DomainError, FieldProblem } from '@app/common';
import { PlanEventData } from '@app/contracts';

// An interface, not a class: the parameter's design type is then Object, which the global validation pipe skips.
export interface PlanEvent {
  event_type: string;
  event_id: string;
  timestamp: string;
  data: PlanEventData;
}

const ENVELOPE_KEYS = new Set(['event_type', 'event_id', 'timestamp', 'data']);
const DATA_KEYS = new Set(['objectId', 'version', 'document', 'metadata']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// The plan event's rules (the envelope's, and data's: objectId, version >= 1, document object or null, metadata
// object; nothing else), checked by hand: the global class-transformer pipe would copy the whole plan document of
// every event, field by field, only to check that it is an object. Its handlers declare the payload as an
// interface, which that pipe leaves alone. A failure is the pipe's own VALIDATION_ERROR, so the event is dead-lettered.
@Injectable()
export class PlanEventPipe implements PipeTransform<unknown, PlanEvent> {
  transform(value: unknown): PlanEvent {
    const problems = planEventProblems(value);
    if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', { errors: problems });
    return value as PlanEvent;
  }
}

export function planEventProblems(value: unknown): FieldProblem[] {
  if (!isObject(value)) return [{ field: '', problems: ['an event must be an object'] }];
  const problems: FieldProblem[] = [];
  const check = (field: string, ok: boolean, problem: string) => ok || problems.push({ field, problems: [problem] });
  const unknown = (parent: string, object: Record<string, unknown>, known: Set<string>) => {
    for (const key of Object.keys(object)) if (!known.has(key)) problems.push({ field: `${parent}${key}`, problems: [`property ${key} should not exist`] });
  };
  unknown('', value, ENVELOPE_KEYS);
  check('event_type', typeof value.event_type === 'string', 'event_type must be a string');
  check('event_id', typeof value.event_id === 'string' && isUUID(value.event_id), 'event_id must be a UUID');
  check('timestamp', typeof value.timestamp === 'string' && isISO8601(value.timestamp, { strict: true }), 'timestamp must be a valid ISO 8601 date string');
  const data = value.data;
  if (!isObject(data)) return [...problems, { field: 'data', problems: ['data must be an object'] }];
  unknown('data.', data, DATA_KEYS);
  check('data.objectId', typeof data.objectId === 'string', 'objectId must be a string');
  check('data.version', Number.isInteger(data.version) && (data.version as number) >= 1, 'version must be an integer not less than 1');
  check('data.document', data.document === undefined || data.document === null || isObject(data.document), 'document must be an object');
  check('data.metadata', isObject(data.metadata), 'metadata must be an object');
  return problems;
}
