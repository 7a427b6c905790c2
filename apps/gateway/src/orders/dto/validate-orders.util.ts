import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError, flattenValidationErrors } from '@app/common';
import { CreateOrderDto } from './create-order.dto';

// All or nothing: every item is checked with the same rules as POST /orders; any failure rejects the bulk, and
// `details` names each failing index (and, in `errors`, each field as orders.<index>.<field>).
export function validateOrders(items: unknown[]): CreateOrderDto[] {
  const failed: number[] = [];
  const errors: Array<{ field: string; problems: string[] }> = [];
  const orders = items.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      failed.push(index);
      errors.push({ field: `orders.${index}`, problems: ['must be an order object'] });
      return undefined;
    }
    const order = plainToInstance(CreateOrderDto, item);
    const problems = validateSync(order, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
    if (problems.length > 0) {
      failed.push(index);
      errors.push(...flattenValidationErrors(problems, `orders.${index}`));
    }
    return order;
  });
  if (failed.length > 0) {
    throw new DomainError('VALIDATION_ERROR', `Order ${failed[0]} of the bulk is invalid; no order was accepted`, { index: failed[0], indexes: failed, errors });
  }
  return orders as CreateOrderDto[];
}
