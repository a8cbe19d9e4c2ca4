import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from '../errors/domain.error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The bounds of a problem document (the OpenAPI schema states them): longer texts are cut, with an ellipsis. */
export const PROBLEM_LIMITS = { detail: 5000, errors: 100, field: 300, message: 1000 } as const;
export const PROBLEM_TYPE_BASE = 'urn:casefile:problem:';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

class FieldErrorDto {
  @ApiProperty({ maxLength: PROBLEM_LIMITS.field, example: 'password', description: 'The field (dotted path for nested ones), parameter or header' }) field!: string;
  @ApiProperty({ maxLength: PROBLEM_LIMITS.message, example: 'must be at least 12 characters' }) message!: string;
}

/** RFC 9457 problem document: the shape of every error response. */
export class ProblemDetailsDto {
  @ApiProperty({ pattern: '^urn:casefile:problem:[a-z0-9-]+$', maxLength: 100, example: 'urn:casefile:problem:validation-failed', description: 'Stable identifier of the problem kind' })
  type!: string;
  @ApiProperty({ maxLength: 100, example: 'The request is not valid' }) title!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 400, maximum: 599, example: 400 }) status!: number;
  @ApiProperty({ maxLength: PROBLEM_LIMITS.detail, example: '1 field failed validation: password' }) detail!: string;
  @ApiProperty({ maxLength: 16_384, example: '/api/v1/users', description: 'The request path (without query string)' }) instance!: string;
  @ApiProperty({ pattern: '^[A-Za-z0-9._:-]{1,128}$', maxLength: 128, example: '01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60', description: 'Same as the X-Request-Id response header' })
  requestId!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], maxItems: PROBLEM_LIMITS.errors, description: `For a validation problem: each field refused, and why (the first ${PROBLEM_LIMITS.errors})` })
  errors?: FieldErrorDto[];
}

export function problem(init: { code: string; title: string; status: number; detail: string; instance: string; requestId: string; errors?: FieldError[]; extensions?: Record<string, unknown> }): ProblemDetails {
  const doc: ProblemDetails = {
    ...(init.extensions ?? {}),
    type: `${PROBLEM_TYPE_BASE}${init.code}`,
    title: init.title,
    status: init.status,
    detail: cut(init.detail, PROBLEM_LIMITS.detail),
    instance: init.instance,
    requestId: init.requestId,
  };
  if (init.errors && init.errors.length > 0) {
    doc.errors = init.errors.slice(0, PROBLEM_LIMITS.errors).map((e) => ({ field: cut(e.field, PROBLEM_LIMITS.field), message: cut(e.message, PROBLEM_LIMITS.message) }));
  }
  return doc;
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  return `${/[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head}…`;
}
