import { ArgumentMetadata } from '@nestjs/common';
import { CreatePlanPayload, PatchPlanPayload } from '@app/contracts';
import { DomainError } from './domain.error';
import { strictValidationPipe } from './validation.util';

const actor = { id: '6f1c2a4e-8d3b-4f5a-9c7e-1b2d3e4f5a6b', role: 'user' };
const as = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

describe('strictValidationPipe', () => {
  const sut = strictValidationPipe();

  it('should hand over an @OpaqueJson document as the very object it received, not a copy, when the payload is valid', async () => {
    const document = { objectId: 'p1', objectType: 'plan', nested: { deep: [{ objectId: 'c1' }] } };

    const result = (await sut.transform({ actor, document }, as(CreatePlanPayload))) as CreatePlanPayload;

    expect(result).toBeInstanceOf(CreatePlanPayload);
    expect(result.document).toBe(document);
  });

  it('should still refuse the payload when an @OpaqueJson property is missing', async () => {
    const refused = await sut.transform({ actor }, as(CreatePlanPayload)).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).details).toEqual({ errors: [{ field: 'document', problems: ['document should not be null or undefined'] }] });
  });

  it('should still validate and whitelist the other properties when the payload has an @OpaqueJson one', async () => {
    const refused = await sut
      .transform({ actor, id: 'p1', kind: 'merge', patch: {}, if_match: { any: false, tags: [] }, extra: 1 }, as(PatchPlanPayload))
      .catch((error: unknown) => error);

    expect((refused as DomainError).details).toEqual({ errors: [{ field: 'extra', problems: ['property extra should not exist'] }] });
  });
});
