import { encodeOrdersPlaceMessage, OrderPlacement, parseOrdersPlaceMessage } from './orders-place.message';

const order = (overrides: Partial<Record<keyof OrderPlacement, unknown>> = {}): OrderPlacement =>
  ({
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    user_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    product_name: 'Annual plan subscription',
    amount: '49.99',
    currency: 'USD',
    plan_id: null,
    idempotency_key: null,
    request_hash: 'a'.repeat(64),
    created_at: '2025-01-02T03:04:05.678Z',
    ...overrides,
  }) as OrderPlacement;

const parse = (orders: unknown[]) => parseOrdersPlaceMessage(Buffer.from(JSON.stringify({ pattern: 'orders.place', data: { orders } })));

describe('parseOrdersPlaceMessage', () => {
  it('should return the orders when the gateway encoded them', () => {
    const orders = [order(), order({ id: '1f8fad5b-d9cb-469f-a165-70867728950e', plan_id: 'plan-1', idempotency_key: 'key-1', amount: '0.01' })];

    expect(parseOrdersPlaceMessage(encodeOrdersPlaceMessage(orders))).toEqual({ orders });
  });

  it('should accept a 200-character name when its characters are outside the BMP (400 UTF-16 units)', () => {
    expect(parse([order({ product_name: '🙂'.repeat(200) })])).toEqual({ orders: [expect.any(Object)] });
  });

  it.each<[string, Buffer]>([
    ['the body is not JSON', Buffer.from('{"pattern":')],
    ['the pattern is another one', Buffer.from(JSON.stringify({ pattern: 'users.created', data: { orders: [order()] } }))],
    ['there are no orders', Buffer.from(JSON.stringify({ pattern: 'orders.place', data: { orders: [] } }))],
    ['there are more than 1000 orders', Buffer.from(JSON.stringify({ pattern: 'orders.place', data: { orders: Array.from({ length: 1001 }, () => order()) } }))],
  ])('should name the problem when %s', (_case, content) => {
    expect(parseOrdersPlaceMessage(content)).toEqual({ problem: expect.any(String) });
  });

  it.each<[string, Partial<Record<keyof OrderPlacement, unknown>>]>([
    ['the id is not a UUID', { id: 'x' }],
    ['the user id is missing', { user_id: undefined }],
    ['the name is empty', { product_name: '' }],
    ['the name has 201 characters', { product_name: 'x'.repeat(201) }],
    ['the name has a NUL', { product_name: 'a\u0000b' }],
    ['the name has a lone surrogate', { product_name: 'a\ud800' }],
    ['the amount is a number', { amount: 12.5 }],
    ['the amount has 3 decimals', { amount: '1.005' }],
    ['the amount is zero', { amount: '0.00' }],
    ['the amount is negative', { amount: '-1.00' }],
    ['the amount has 13 integer digits', { amount: '1000000000000.00' }],
    ['the currency is not ISO 4217', { currency: 'ABC' }],
    ['the currency is lower case', { currency: 'usd' }],
    ['the plan id has a slash', { plan_id: 'a/b' }],
    ['the idempotency key is 256 characters', { idempotency_key: 'k'.repeat(256) }],
    ['the request hash is short', { request_hash: 'abc' }],
    ['created_at is not UTC', { created_at: '2025-01-02T03:04:05.678+01:00' }],
    ['created_at is not a date', { created_at: '2025-13-45T03:04:05.678Z' }],
  ])('should reject the whole message, naming the order, when %s', (_case, overrides) => {
    const parsed = parse([order(), order(overrides)]);

    expect(parsed).toEqual({ problem: expect.stringMatching(/^data\.orders\[1\]: /) });
  });
});
