import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import type { FieldError } from './errors/domain.error';

/**
 * The rules every input obeys, whatever the route: applied once, at the seam (the JSON body parser and
 * the global validation pipe), never route by route.
 */

/** Bodies may nest objects and arrays this deep, no deeper (deep JSON overflows the stack downstream). */
export const MAX_JSON_DEPTH = 64;

/** A field path as the problem's `errors[].field` shows it: `tipster.email`, `roles.2`. */
function pathOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => printable(String(s))).join('.');
}

/** A name that may itself be hostile (a key with a NUL) is shown escaped, never raw. */
export function printable(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The depth of the deepest object or array in a JSON text, counted without parsing it (strings are
 * skipped, escapes included), stopping as soon as `limit` is passed. Linear, no recursion.
 */
export function jsonDepthExceeds(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * The path to the first container nested deeper than `limit` in a parsed value (iterative: the value may
 * be nested far deeper than the stack allows).
 */
export function tooDeepPath(value: unknown, limit: number = MAX_JSON_DEPTH): string | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= limit) return pathOf(path) || '(body)';
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i][1], path: [...path, entries[i][0]] });
  }
  return undefined;
}

/** Why a string may not be stored (PostgreSQL refuses NUL in text and lone surrogates in jsonb), or undefined. */
export function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain a NUL character';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) return 'must not contain a lone UTF-16 surrogate (invalid Unicode)';
  return undefined;
}

/**
 * Keys named like a member of every JavaScript object (`constructor`, `toString`, `hasOwnProperty`…). The
 * whitelist cannot see them: class-validator looks a key up in a plain object of the DTO's properties, where
 * these names are always found, so `{"toString": "x"}` passed as if it were a declared field. No DTO declares
 * one: they are refused here like any unknown field.
 */
const OBJECT_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Every string (and every key) of a body, query or parameter that breaks the string rules, and every key
 * named like a member of every object, by path. The value has passed the depth limit, so recursion is bounded.
 */
export function hostileStrings(value: unknown, root?: string): FieldError[] {
  const out: FieldError[] = [];
  const visit = (v: unknown, path: (string | number)[]): void => {
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) out.push({ field: pathOf(path) || root || '(value)', message: problem });
      return;
    }
    if (v === null || typeof v !== 'object' || out.length >= 20) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, [...path, i]));
      return;
    }
    for (const [key, x] of Object.entries(v as Record<string, unknown>)) {
      const problem = stringProblem(key);
      if (problem) out.push({ field: pathOf([...path, key]), message: `is not an accepted field name: it ${problem}` });
      else if (OBJECT_MEMBERS.has(key)) out.push({ field: pathOf([...path, key]), message: 'is not an accepted field' });
      else visit(x, [...path, key]);
    }
  };
  visit(value, root ? [root] : []);
  return out;
}

/** Where @nestjs/swagger keeps a DTO property's OpenAPI options (`DECORATORS.API_MODEL_PROPERTIES`, not exported). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

/**
 * Whether the OpenAPI document says the property may be null (`@ApiPropertyOptional({ nullable: true })`),
 * i.e. null means something there ("clear this field"). Everywhere else a `null` is refused with a 400,
 * `@IsOptional()` included: optional means "may be left out", not "may be null". The document is the one
 * statement of it, for clients and for this check alike.
 */
function documentedNullable(proto: object, property: string): boolean {
  const options = Reflect.getMetadata(API_MODEL_PROPERTIES, proto, property) as { nullable?: unknown } | undefined;
  return options?.nullable === true;
}

/** Properties of a validated DTO (and of its nested DTOs) that are null where the OpenAPI document does not allow it. */
export function unexpectedNulls(dto: unknown, path: (string | number)[] = []): FieldError[] {
  if (dto === null || typeof dto !== 'object') return [];
  if (Array.isArray(dto)) return dto.flatMap((x, i) => unexpectedNulls(x, [...path, i]));
  const proto = Object.getPrototypeOf(dto) as object | null;
  if (proto === null || proto === Object.prototype) return []; // a free-form object, not a DTO
  const out: FieldError[] = [];
  for (const [key, value] of Object.entries(dto as Record<string, unknown>)) {
    if (value === null) {
      if (!documentedNullable(proto, key)) out.push({ field: pathOf([...path, key]), message: 'must not be null (leave the field out instead)' });
    } else if (typeof value === 'object') {
      out.push(...unexpectedNulls(value, [...path, key]));
    }
  }
  return out;
}

/** The range of times the API accepts: four-digit years, which PostgreSQL and every client can store. */
export const MIN_TIMESTAMP = new Date('0001-01-01T00:00:00.000Z');
export const MAX_TIMESTAMP = new Date('9999-12-31T23:59:59.999Z');

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A strict ISO 8601 date (`2024-12-12`, UTC midnight) or date-time with its offset
 * (`2024-12-12T09:30:00Z`, `…+01:00`), within MIN_TIMESTAMP..MAX_TIMESTAMP; undefined for anything else
 * (other formats, impossible dates such as February 30, years outside 0001–9999).
 */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const m = ISO_8601.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  const date = new Date(0);
  date.setUTCFullYear(fields[0], fields[1] - 1, fields[2]);
  date.setUTCHours(fields[3], fields[4], fields[5], Number(frac.padEnd(3, '0').slice(0, 3)));
  // A rolled-over field (month 13, February 30, 25:00) means the text named no real time.
  if (
    date.getUTCFullYear() !== fields[0] ||
    date.getUTCMonth() !== fields[1] - 1 ||
    date.getUTCDate() !== fields[2] ||
    date.getUTCHours() !== fields[3] ||
    date.getUTCMinutes() !== fields[4] ||
    date.getUTCSeconds() !== fields[5]
  ) {
    return undefined;
  }
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    if (zh > 14 || zm > 59) return undefined;
    date.setTime(date.getTime() - sign * (zh * 60 + zm) * 60_000);
  }
  return date.getTime() < MIN_TIMESTAMP.getTime() || date.getTime() > MAX_TIMESTAMP.getTime() ? undefined : date;
}

/**
 * The one validator of times in bodies and queries: a strict ISO 8601 string within the accepted range,
 * turned into a Date. Use it instead of `@Type(() => Date) @IsDate()`, which takes `1`, `-004713-…` or
 * `+275760-…` and lets PostgreSQL refuse them with a 500.
 */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  const transform = Transform(({ value }: { value: unknown }) => parseTimestamp(value) ?? value, { toClassOnly: true });
  const validate = ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime()),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 date or date-time with its offset (2024-12-12, 2024-12-12T09:30:00Z) between 0001-01-01 and 9999-12-31`,
      },
    },
    options,
  );
  return (target, property) => {
    transform(target, property);
    validate(target, property);
  };
}
