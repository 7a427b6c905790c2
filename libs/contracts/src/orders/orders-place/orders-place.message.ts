import { ORDER_PATTERNS } from '../../messaging.constants';
import { PLAN_ID_PATTERN } from '../../plans/plan.payloads';
import { isCurrencyCode } from '../currency-codes';

const ORDERS_PLACE_PATTERN = ORDER_PATTERNS.place;
// One message carries one order (POST /orders) or a whole bulk (POST /orders/bulk), so a bulk is one publish.
export const MAX_ORDERS_PER_MESSAGE = 1000;
export const MAX_PRODUCT_NAME_LENGTH = 200;
export const MAX_AMOUNT = 999_999_999_999.99; // numeric(14, 2)
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// An order as the gateway accepted it: id and created_at assigned, the amount as an exact decimal string.
export interface OrderPlacement {
  id: string;
  user_id: string;
  product_name: string;
  amount: string; // "12.50"
  currency: string;
  plan_id: string | null;
  idempotency_key: string | null;
  request_hash: string; // SHA-256 (hex) of the accepted request body
  created_at: string; // ISO-8601, UTC, milliseconds
}

export interface OrdersPlaceMessage {
  pattern: typeof ORDERS_PLACE_PATTERN;
  data: { orders: OrderPlacement[] };
}

export function encodeOrdersPlaceMessage(orders: OrderPlacement[]): Buffer {
  const message: OrdersPlaceMessage = { pattern: ORDERS_PLACE_PATTERN, data: { orders } };
  return Buffer.from(JSON.stringify(message), 'utf8');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AMOUNT = /^(?:0|[1-9]\d{0,11})\.\d{2}$/;
const HASH = /^[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

// Characters as Postgres counts them (code points), for a string that is well formed and has no NUL.
export function isStorableText(value: unknown, maxLength: number): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\u0000') || !value.isWellFormed()) return false;
  if (value.length <= maxLength) return true;
  let count = 0;
  for (const _ of value) if (++count > maxLength) return false;
  return true;
}

// An amount as a client sends it (a JSON number): > 0, at most 2 decimals, within numeric(14, 2). A double with at
// most 2 decimals is exactly the double nearest to (its value x 100, rounded) / 100, so no string parsing is
// needed (1e-7 included).
export function isOrderAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_AMOUNT && Math.round(value * 100) / 100 === value;
}

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_IDEMPOTENCY_KEY_LENGTH && PRINTABLE_ASCII.test(value);
}

// Why an order cannot be stored as it is, or undefined when it can. Hand-written rather than class-validator:
// core runs it on every order it consumes (tens of thousands a second), and it must accept only what the
// orders table accepts, so that a bad message is dead-lettered alone instead of failing its batch.
export function orderPlacementProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const order = value as Record<string, unknown>;
  if (typeof order.id !== 'string' || !UUID.test(order.id)) return 'id must be a UUID';
  if (typeof order.user_id !== 'string' || !UUID.test(order.user_id)) return 'user_id must be a UUID';
  if (!isStorableText(order.product_name, MAX_PRODUCT_NAME_LENGTH)) return `product_name must be 1-${MAX_PRODUCT_NAME_LENGTH} characters`;
  if (typeof order.amount !== 'string' || !AMOUNT.test(order.amount) || order.amount === '0.00') return 'amount must be a positive decimal with 2 places';
  if (!isCurrencyCode(order.currency)) return 'currency must be an ISO 4217 code';
  if (order.plan_id !== null && (typeof order.plan_id !== 'string' || !PLAN_ID_PATTERN.test(order.plan_id))) return 'plan_id must be null or a plan id';
  if (order.idempotency_key !== null && !isIdempotencyKey(order.idempotency_key)) return 'idempotency_key must be null or 1-255 printable ASCII characters';
  if (typeof order.request_hash !== 'string' || !HASH.test(order.request_hash)) return 'request_hash must be a SHA-256 in hex';
  if (typeof order.created_at !== 'string' || !TIMESTAMP.test(order.created_at) || Number.isNaN(Date.parse(order.created_at)))
    return 'created_at must be an ISO-8601 UTC time';
  return undefined;
}

export type ParsedOrdersPlace = { orders: OrderPlacement[] } | { problem: string };

// The message as core receives it: parsed and checked order by order; any problem rejects the whole message.
export function parseOrdersPlaceMessage(content: Buffer): ParsedOrdersPlace {
  let message: unknown;
  try {
    message = JSON.parse(content.toString('utf8'));
  } catch {
    return { problem: 'body is not JSON' };
  }
  const { pattern, data } = (message ?? {}) as { pattern?: unknown; data?: { orders?: unknown } };
  if (pattern !== ORDERS_PLACE_PATTERN) return { problem: `pattern is not ${ORDERS_PLACE_PATTERN}` };
  const orders = data?.orders;
  if (!Array.isArray(orders) || orders.length === 0 || orders.length > MAX_ORDERS_PER_MESSAGE) {
    return { problem: `data.orders must be an array of 1-${MAX_ORDERS_PER_MESSAGE} orders` };
  }
  for (let index = 0; index < orders.length; index++) {
    const problem = orderPlacementProblem(orders[index]);
    if (problem) return { problem: `data.orders[${index}]: ${problem}` };
  }
  return { orders: orders as OrderPlacement[] };
}
