import { DomainError } from '@app/common';
import { PlanEventPipe } from './plan-event.pipe';

const valid = () => ({
  event_type: 'plan.updated',
  event_id: '6f1c2a4e-8d3b-4f5a-9c7e-1b2d3e4f5a6b',
  timestamp: '2026-12-06T20:00:00.000Z',
  data: {
    objectId: 'plan-1',
    version: 7,
    document: { objectId: 'plan-1', objectType: 'plan' },
    metadata: { created_by: 'u', created_at: 't', updated_by: 'u', updated_at: 't' },
  },
});

function fieldsOf(value: unknown): string[] {
  try {
    new PlanEventPipe().transform(value);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_ERROR');
    return ((error as DomainError).details as { errors: Array<{ field: string }> }).errors.map((problem) => problem.field);
  }
}

describe('PlanEventPipe', () => {
  it('should pass the event through untouched, document and all, when it is well formed', () => {
    const event = valid();

    expect(new PlanEventPipe().transform(event)).toBe(event);
  });

  it('should accept a deletion, whose document is null', () => {
    expect(fieldsOf({ ...valid(), event_type: 'plan.deleted', data: { ...valid().data, document: null } })).toEqual([]);
  });

  it.each([
    ['event_id', { event_id: 'not-a-uuid' }],
    ['timestamp', { timestamp: '6 Dec 2026' }],
    ['event_type', { event_type: 7 }],
    ['extra', { extra: true }],
    ['data', { data: 'plan-1' }],
  ])('should refuse the event, naming %s, when the envelope is wrong', (field, change) => {
    expect(fieldsOf({ ...valid(), ...change })).toEqual([field]);
  });

  it.each([
    ['data.objectId', { objectId: 1 }],
    ['data.version', { version: 0 }],
    ['data.version', { version: 1.5 }],
    ['data.document', { document: ['not', 'an', 'object'] }],
    ['data.metadata', { metadata: null }],
    ['data.extra', { extra: 1 }],
  ])('should refuse the event, naming %s, when its data is wrong', (field, change) => {
    expect(fieldsOf({ ...valid(), data: { ...valid().data, ...change } })).toEqual([field]);
  });

  it('should refuse something that is not an object', () => {
    expect(fieldsOf('plan.updated')).toEqual(['']);
  });
});
