import { CurrencyCodes } from 'validator/lib/isISO4217';

// The ISO 4217 codes (validator.js's list, the one class-validator's IsISO4217CurrencyCode checks), uppercase.
export const CURRENCY_CODES: readonly string[] = [...CurrencyCodes].sort();
export const DEFAULT_CURRENCY = 'USD';
const CODES = new Set(CURRENCY_CODES);

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CODES.has(value);
}
