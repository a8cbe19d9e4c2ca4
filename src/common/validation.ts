import { ArgumentMetadata, PipeTransform, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError, ValidationFailedError } from './errors/domain.error';

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
 * Every body and query is whitelisted: unknown fields are refused (no mass assignment), values are
 * transformed to the DTO's types, and failures become a 400 problem with `errors[]`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

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
 * Validates a value that did not come through the pipe (a JSON part of a multipart body, a body whose shape
 * depends on its content type) with the same rules: whitelisted, typed, 400 with `errors[]`.
 */
export function validatePlain<T extends object>(type: Type<T>, value: unknown, prefix = ''): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationFailedError([{ field: prefix || 'body', message: 'must be a JSON object' }]);
  }
  const instance = plainToInstance(type, value, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw new ValidationFailedError(flatten(errors, prefix));
  return instance;
}
