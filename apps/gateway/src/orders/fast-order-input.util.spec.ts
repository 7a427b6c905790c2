import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { CreateOrderDto } from './dto/create-order.dto';
import { fastOrderInput } from './fast-order-input.util';

const dtoAccepts = (body: unknown) =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  validateSync(plainToInstance(CreateOrderDto, body), { whitelist: true, forbidNonWhitelisted: true }).length === 0;

// Bodies near the rules' edges: mostly valid fields, each sometimes missing, null, of another type or just out
// of range, and sometimes a field the DTO does not know.
const edge = <T>(valid: fc.Arbitrary<T>, ...invalid: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 6, arbitrary: valid }, ...invalid.map((arbitrary) => ({ weight: 1, arbitrary })));
const nearlyValid = fc
  .record(
    {
      product_name: edge(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom('', 'x'.repeat(200), 'x'.repeat(201), '🙂'.repeat(200), '🙂'.repeat(201), 'a\u0000b', '\ud800'),
        fc.integer(),
      ),
      amount: edge(
        fc.integer({ min: 1, max: 10_000_000 }).map((cents) => cents / 100),
        fc.constantFrom(0, -1, 0.001, 1.005, 0.1 + 0.2, 999_999_999_999.99, 1e12, 1e-7, Number.NaN, '12.50'),
        fc.double({ min: -10, max: 1e13, noNaN: true }),
      ),
      currency: edge(fc.constantFrom('USD', 'EUR', 'JPY', null), fc.constantFrom('usd', 'XYZ', 'US', ''), fc.string({ maxLength: 4 })),
      plan_id: edge(fc.constantFrom('plan-1', 'A.b_c-9', null), fc.constantFrom('a/b', '', 'x'.repeat(129), 7), fc.string({ maxLength: 6 })),
      extra: fc.constantFrom(1, 'x'),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...body }) => (extra !== undefined && (body.product_name?.toString().length ?? 0) % 5 === 0 ? { ...body, extra } : body));

describe('fastOrderInput', () => {
  it('should accept exactly the bodies the DTO accepts when given bodies near every rule edge', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearlyValid, (body) => {
        const fast = fastOrderInput(body) !== undefined;
        if (fast) accepted += 1;
        expect(fast).toBe(dtoAccepts(body));
      }),
      { seed: 20261201, numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it.each([
    { product_name: 'Mug', amount: 12.5 },
    { product_name: 'Mug', amount: 0.01, currency: 'JPY', plan_id: 'plan-1' },
    { product_name: '🙂'.repeat(200), amount: 999_999_999_999.99, currency: null, plan_id: null },
  ])('should take %p as it is when the DTO accepts it too', (body) => {
    expect(dtoAccepts(body)).toBe(true);
    expect(fastOrderInput(body)).toEqual(body);
  });

  it.each([[null], [[]], ['x'], [{ product_name: 'Mug', amount: 1, status: 'stored' }], [{ product_name: 'Mug', amount: 1.001 }], [{ amount: 1 }]])(
    'should leave %p to the Nest route',
    (body) => {
      expect(fastOrderInput(body)).toBeUndefined();
    },
  );
});
