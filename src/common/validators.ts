import { registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import * as countries from 'i18n-iso-countries';

/** Optional, but not null: `null` is refused (400) where the field has no empty value. */
export const IsOptionalNotNull = (): PropertyDecorator => ValidateIf((_: unknown, value: unknown) => value !== undefined);

/** No NUL bytes or other control characters but tab and newlines in free text. */
export const TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** A real calendar day (`2024-02-29` yes, `2024-13-40` and `2023-02-29` no), years 1000–9999. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = FULL_DATE.exec(value);
  if (!m) return false;
  return validDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

function validDay(year: number, month: number, day: number): boolean {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, each a real date. */
export function isPartialDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = PARTIAL_DATE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 1000) return false;
  if (m[2] === undefined) return true;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  return m[3] === undefined || validDay(year, month, Number(m[3]));
}

/** ISO 3166-1 alpha-2, upper case, on the real list (`ZZ` is refused). */
export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) && countries.isValid(value);
}

function rule(name: string, test: (value: unknown) => boolean, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target: object, propertyName: string | symbol) =>
      registerDecorator({ name, target: target.constructor, propertyName: String(propertyName), options: { message: `$property ${message}`, ...options }, validator: { validate: test } });
}

export const IsCalendarDate = rule('isCalendarDate', isCalendarDate, 'must be a real date written YYYY-MM-DD');
export const IsPartialDate = rule('isPartialDate', isPartialDate, 'must be a real date written YYYY-MM-DD, YYYY-MM or YYYY (null when unknown)');
export const IsCountryCode = rule('isCountryCode', isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in capitals, such as KP or CN');
