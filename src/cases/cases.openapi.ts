import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiPreconditionFailedResponse, ApiResponse } from '@nestjs/swagger';
import { ProblemDetailsDto } from '../common/problem/problem-details';

/** 404 for what need-to-know hides: the caller learns nothing, and the attempt is audited as denied. */
export const ApiCaseNotFound = (what = 'case'): MethodDecorator =>
  applyDecorators(
    ApiNotFoundResponse({
      type: ProblemDetailsDto,
      description: `No such ${what}, or the caller is neither a member of the case nor a supervisor (need to know: the attempt is audited as denied)`,
    }),
  );

/** A change of a versioned resource: If-Match is required (428 without, 412 when stale). */
export const ApiIfMatch = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version you read, such as W/"3"', schema: { type: 'string', example: 'W/"3"' } }),
    ApiPreconditionFailedResponse({ type: ProblemDetailsDto, description: 'Changed since you read it: GET it again (the current ETag is in the response)' }),
    ApiResponse({ status: 428, type: ProblemDetailsDto, description: 'If-Match is missing' }),
  );

export const ETAG_HEADER = { ETag: { description: 'W/"<version>": send it back as If-Match to change this resource', schema: { type: 'string', example: 'W/"1"' } } };
