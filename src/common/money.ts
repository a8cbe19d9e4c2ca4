import { code as currencyByCode, codes } from 'currency-codes';
import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * Money in the API (DESIGN §2): an integer number of minor units and an ISO 4217 currency, such as
 * `{ "amount": 500000000, "currency": "USD" }` for USD 5,000,000.00. Never a float: amounts are JSON integers,
 * safe in a double (at most 2^53 − 1), `bigint` in the database.
 */
export interface Money {
  amount: number;
  currency: string;
}

/** The largest amount in minor units: 2^53 − 1, the largest integer a JSON number carries exactly. */
export const MAX_MINOR_UNITS = Number.MAX_SAFE_INTEGER;

/**
 * Codes on the ISO 4217 list whose minor unit is "N.A." (precious metals, bond-market units, the SDR, the
 * testing and no-currency codes): they have no minor unit to count in, so they cannot carry an amount here.
 * (currency-codes writes their exponent as 0.)
 */
const NO_MINOR_UNIT = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/** The number of decimal places of the currency's minor unit (USD 2, JPY 0, BHD 3), or undefined when it is not a currency money can be counted in. */
export function minorUnitDigits(currency: string): number | undefined {
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency) || NO_MINOR_UNIT.has(currency)) return undefined;
  return currencyByCode(currency)?.digits;
}

/** Every code money can be counted in (the ISO 4217 list, less the codes without a minor unit), for the OpenAPI enum. */
export const CURRENCY_CODES: readonly string[] = codes()
  .filter((c) => !NO_MINOR_UNIT.has(c))
  .sort();

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && minorUnitDigits(value) !== undefined;
}

/** A positive whole number of minor units that JSON carries exactly: 1 … 2^53 − 1 (no string, no fraction, no float). */
export function isMinorUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** `USD 5,000,000.00`, `JPY 1,000`, `BHD 1.500`: minor units shown with the currency's exponent, for people. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency) ?? 0;
  const whole = BigInt(amount);
  const negative = whole < 0n;
  const abs = negative ? -whole : whole;
  const scale = 10n ** BigInt(digits);
  const major = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const minor = digits > 0 ? `.${(abs % scale).toString().padStart(digits, '0')}` : '';
  return `${currency} ${negative ? '-' : ''}${major}${minor}`;
}

/** A bigint column read as text (pg's default for int8), as a number: refused if it could not be exact. */
export function minorUnitsFromDatabase(value: string | number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new Error('a money amount in the database is not a safe integer');
  return n;
}

export function IsCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be an ISO 4217 currency code in capitals with a minor unit, such as USD, EUR or JPY', ...options },
      validator: { validate: isCurrencyCode },
    });
}

export function IsMinorUnits(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isMinorUnits',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be a positive whole number of minor units (a JSON integer from 1 to ${MAX_MINOR_UNITS}; USD 12.50 is 1250)`, ...options },
      validator: { validate: isMinorUnits },
    });
}
