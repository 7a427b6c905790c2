import { isCurrencyCode, isOrderAmount, isStorableText, MAX_PRODUCT_NAME_LENGTH, PLAN_ID_PATTERN } from '@app/contracts';
import { OrderInput } from './place-orders.use-case';

const FIELDS = new Set(['product_name', 'amount', 'currency', 'plan_id']);

// The order body CreateOrderDto accepts, checked by hand for the write fast path; undefined for anything else,
// which then goes to the Nest route (ValidationPipe) and gets the full validation errors. It must never accept
// what the DTO refuses (fast-order-input.util.spec holds the two to that).
export function fastOrderInput(body: unknown): OrderInput | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const order = body as Record<string, unknown>;
  for (const key in order) if (!Object.hasOwn(order, key) || !FIELDS.has(key)) return undefined;
  const { product_name, amount, currency, plan_id } = order;
  if (!isStorableText(product_name, MAX_PRODUCT_NAME_LENGTH) || !isOrderAmount(amount)) return undefined;
  if (currency !== undefined && currency !== null && !isCurrencyCode(currency)) return undefined;
  if (plan_id !== undefined && plan_id !== null && (typeof plan_id !== 'string' || !PLAN_ID_PATTERN.test(plan_id))) return undefined;
  return { product_name, amount, currency, plan_id };
}
