import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { canonicalListQuery } from './content-list-query.util';
import { ListContentQueryDto } from './dto/content.dto';

// What the Nest route would do with the query: the DTO's verdict and values.
function dto(query: Record<string, unknown>) {
  const parsed = plainToInstance(ListContentQueryDto, query);
  const errors = validateSync(parsed, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length ? null : { page: parsed.page, page_size: parsed.page_size, sort_by: parsed.sort_by, order: parsed.order };
}

describe('canonicalListQuery', () => {
  it('should apply the DTO defaults to an empty query', () => {
    expect(canonicalListQuery({})).toEqual({ page: 1, page_size: 20, sort_by: 'created_at', order: 'desc' });
  });

  it.each([{ page: '0' }, { page_size: '101' }, { page: '01' }, { sort_by: 'email' }, { order: 'DESC' }, { extra: '1' }, { page: ['1', '2'] }])(
    'should leave %j to the Nest route',
    (query) => {
      expect(canonicalListQuery(query)).toBeNull();
    },
  );

  it('should only accept queries the DTO accepts, with the same values', () => {
    const value = fc.oneof(
      fc.constantFrom('1', '2', '20', '100', '101', '0', '-1', '1.5', '01', '1000000', '1000001', 'asc', 'desc', 'title', 'updated_at', 'created_at', 'x', ''),
      fc.string({ maxLength: 4 }),
    );
    const query = fc.dictionary(fc.constantFrom('page', 'page_size', 'sort_by', 'order', 'other'), value, { maxKeys: 4 });
    fc.assert(
      fc.property(query, (raw) => {
        const fast = canonicalListQuery(raw);
        if (fast) expect(fast).toEqual(dto(raw));
      }),
      { seed: 20261201, numRuns: 2000 },
    );
  });
});
