import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from '../errors/domain.error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
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
  @ApiProperty({ example: 'password' }) field!: string;
  @ApiProperty({ example: 'must be at least 12 characters' }) message!: string;
}

/** RFC 9457 problem document: the shape of every error response. */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'urn:casefile:problem:validation-failed', description: 'Stable identifier of the problem kind' })
  type!: string;
  @ApiProperty({ example: 'The request is not valid' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: '1 field failed validation: password' }) detail!: string;
  @ApiProperty({ example: '/api/v1/users', description: 'The request path (without query string)' }) instance!: string;
  @ApiProperty({ example: '01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60', description: 'Same as the X-Request-Id response header' })
  requestId!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

export function problem(init: { code: string; title: string; status: number; detail: string; instance: string; requestId: string; errors?: FieldError[]; extensions?: Record<string, unknown> }): ProblemDetails {
  const doc: ProblemDetails = {
    ...(init.extensions ?? {}),
    type: `${PROBLEM_TYPE_BASE}${init.code}`,
    title: init.title,
    status: init.status,
    detail: init.detail,
    instance: init.instance,
    requestId: init.requestId,
  };
  if (init.errors && init.errors.length > 0) doc.errors = init.errors;
  return doc;
}
