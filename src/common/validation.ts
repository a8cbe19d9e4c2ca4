import { ArgumentMetadata, Param, PipeTransform, Type, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError, ValidationFailedError } from './errors/domain.error';
import { hostileStrings, unexpectedNulls } from './input-rules';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const [rule, message] of Object.entries(e.constraints ?? {})) {
      out.push({ field, message: rule === 'whitelistValidation' ? 'is not an accepted field' : message });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * The global pipe: before the DTO's own rules, the rules every input obeys (input-rules.ts) — no NUL
 * character or lone surrogate in any string or key of a body, query or path parameter; after them, no
 * `null` where the DTO's OpenAPI options do not say `nullable: true`. Each refusal is a 400 naming the field.
 */
class CasefileValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const hostile = hostileStrings(value, metadata.type === 'param' ? metadata.data : undefined);
      if (hostile.length > 0) throw new ValidationFailedError(hostile);
    }
    const result: unknown = await super.transform(value, metadata);
    if (metadata.type === 'body' || metadata.type === 'query') {
      const nulls = unexpectedNulls(result);
      if (nulls.length > 0) throw new ValidationFailedError(nulls);
    }
    return result;
  }
}

/**
 * Every body and query is whitelisted: unknown fields are refused (no mass assignment), values are
 * transformed to the DTO's types, and failures become a 400 problem with `errors[]`.
 */
export function createValidationPipe(): ValidationPipe {
  return new CasefileValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}

/** Any UUID in its canonical form (RFC 9562, the nil and max UUIDs included), as bodies accept them (IsUUID('all')). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route parameter pipe: a UUID, checked before it reaches SQL (400 naming the parameter otherwise). */
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new ValidationFailedError([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
    }
    return value.toLowerCase();
  }
}

/**
 * A UUID route parameter: `@IdParam() id: string` (or `@IdParam('noteId')`) is `@Param('id', ParseIdPipe)`
 * and its OpenAPI description (format uuid, 36 characters) in one.
 */
export function IdParam(name = 'id'): ParameterDecorator {
  return (target, key, index) => {
    Param(name, ParseIdPipe)(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor) ApiParam({ name, description: 'A UUID', schema: { type: 'string', format: 'uuid', maxLength: 36, pattern: UUID.source } })(target, key, descriptor);
  };
}

/**
 * Validates a value that did not come through the pipe (a JSON part of a multipart body, a body whose shape
 * depends on its content type) with the same rules: whitelisted, typed, 400 with `errors[]`.
 */
export function validatePlain<T extends object>(type: Type<T>, value: unknown, prefix = ''): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationFailedError([{ field: prefix || 'body', message: 'must be a JSON object' }]);
  }
  const hostile = hostileStrings(value, prefix || undefined);
  if (hostile.length > 0) throw new ValidationFailedError(hostile);
  const instance = plainToInstance(type, value, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw new ValidationFailedError(flatten(errors, prefix));
  const nulls = unexpectedNulls(instance);
  if (nulls.length > 0) throw new ValidationFailedError(nulls);
  return instance;
}
