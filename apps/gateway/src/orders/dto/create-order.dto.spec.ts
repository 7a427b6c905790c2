import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateOrderDto } from './create-order.dto';
import { validateOrders } from './validate-orders.util';

const problems = (body: Record<string, unknown>) =>
  validateSync(plainToInstance(CreateOrderDto, body), { whitelist: true, forbidNonWhitelisted: true }).map((error) => error.property);

describe('CreateOrderDto', () => {
  it.each([0.01, 0.29, 12.5, 49.99, 1, 999_999_999_999.99])('should accept amount %p when it is positive with at most 2 decimals', (amount) => {
    expect(problems({ product_name: 'x', amount })).toEqual([]);
  });

  it.each([0, -0.01, 0.001, 1e-7, 0.1 + 0.2, 1.005, 1e12, Number.MAX_VALUE, '1.00', null])('should refuse amount %p', (amount) => {
    expect(problems({ product_name: 'x', amount })).toEqual(['amount']);
  });

  it('should count the name in characters as Postgres does when it has emoji', () => {
    expect(problems({ product_name: '🙂'.repeat(200), amount: 1 })).toEqual([]);
    expect(problems({ product_name: '🙂'.repeat(201), amount: 1 })).toEqual(['product_name']);
    expect(problems({ product_name: '', amount: 1 })).toEqual(['product_name']);
  });

  it.each(['USD', 'EUR', 'JPY', 'BHD'])('should accept the ISO 4217 code %s', (currency) => {
    expect(problems({ product_name: 'x', amount: 1, currency })).toEqual([]);
  });

  it.each(['usd', 'US', 'XYZ', 'DEM', 1])('should refuse the currency %p', (currency) => {
    expect(problems({ product_name: 'x', amount: 1, currency })).toEqual(['currency']);
  });
});

describe('validateOrders', () => {
  it('should return the orders when every one is valid', () => {
    expect(
      validateOrders([
        { product_name: 'a', amount: 1 },
        { product_name: 'b', amount: 2, currency: 'EUR' },
      ]),
    ).toHaveLength(2);
  });

  it('should throw VALIDATION_ERROR with every failing index and field when some are invalid', () => {
    let caught: any;
    try {
      validateOrders([{ product_name: 'a', amount: 1 }, { product_name: 'b', amount: 0 }, null, { product_name: 'c', amount: 1, extra: true }]);
    } catch (error) {
      caught = error;
    }

    expect(caught.code).toBe('VALIDATION_ERROR');
    expect(caught.details).toEqual({
      index: 1,
      indexes: [1, 2, 3],
      errors: [
        { field: 'orders.1.amount', problems: [expect.any(String)] },
        { field: 'orders.2', problems: ['must be an order object'] },
        { field: 'orders.3.extra', problems: [expect.any(String)] },
      ],
    });
  });
});
